"""Publishes the outbox to RabbitMQ. Run: ``python -m hms_appointments.entrypoints.relay``."""

from __future__ import annotations

from hms_appointments.adapters.orm import TABLES
from hms_appointments.config import AppointmentsSettings
from hms_platform.runtime import run, serve_relay


def main() -> None:
    run(serve_relay(AppointmentsSettings(), TABLES))


if __name__ == "__main__":
    main()
