"""Publishes the outbox (notification_sent / notification_failed) to RabbitMQ.
Run: ``python -m hms_notifications.entrypoints.relay``."""

from __future__ import annotations

from hms_notifications.adapters.orm import TABLES
from hms_notifications.config import NotificationsSettings
from hms_platform.runtime import run, serve_relay


def main() -> None:
    run(serve_relay(NotificationsSettings(), TABLES))


if __name__ == "__main__":
    main()
