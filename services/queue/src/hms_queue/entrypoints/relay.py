"""Publishes the outbox to RabbitMQ. Run: ``python -m hms_queue.entrypoints.relay``."""

from __future__ import annotations

from hms_platform.runtime import run, serve_relay
from hms_queue.adapters.orm import TABLES
from hms_queue.config import QueueSettings


def main() -> None:
    run(serve_relay(QueueSettings(), TABLES))


if __name__ == "__main__":
    main()
