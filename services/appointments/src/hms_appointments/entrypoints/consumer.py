"""auth's events -> this service's message bus, through the inbox (hms_platform.consumers).
Run: ``python -m hms_appointments.entrypoints.consumer``."""

from __future__ import annotations

from hms_appointments.bootstrap import build
from hms_appointments.config import AppointmentsSettings
from hms_platform.consumers import consumer_process

QUEUE, CONSUMER = "appointments.events", "appointments"
build_consumer, main = consumer_process(AppointmentsSettings, QUEUE, CONSUMER, build)

if __name__ == "__main__":
    main()
