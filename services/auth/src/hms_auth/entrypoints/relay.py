"""Publishes the outbox to RabbitMQ. Run: ``hms-auth relay`` or
``python -m hms_auth.entrypoints.relay``."""

from __future__ import annotations

from hms_auth.adapters.orm import OUTBOX
from hms_auth.config import AuthSettings
from hms_platform.runtime import run, serve_relay


def main() -> None:
    run(serve_relay(AuthSettings(), OUTBOX))


if __name__ == "__main__":
    main()
