"""auth's events -> this service's message bus, through the inbox: a duplicate delivery, even
concurrent, has one effect. The queue is bound to exactly the events the bus has handlers for.
Run: ``python -m hms_appointments.entrypoints.consumer``."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from hms_appointments.bootstrap import build
from hms_appointments.config import AppointmentsSettings
from hms_platform.messaging.inbox import InboxConsumer
from hms_platform.runtime import run, serve_consumer

QUEUE = "appointments.events"
CONSUMER = "appointments"


def build_consumer(settings: AppointmentsSettings, engine: AsyncEngine) -> InboxConsumer:
    return InboxConsumer.for_bus(CONSUMER, build(settings, engine))


def main() -> None:
    settings = AppointmentsSettings()
    run(serve_consumer(settings, QUEUE, lambda engine: build_consumer(settings, engine)))


if __name__ == "__main__":
    main()
