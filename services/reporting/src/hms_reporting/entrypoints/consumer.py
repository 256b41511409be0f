"""Every event of the catalogue -> this service's message bus (the event store, the read models
and the audit trail), through the inbox: a duplicate delivery, even concurrent, has one
effect. The queue is bound to exactly the events the bus has handlers for: all of them.
Run: ``python -m hms_reporting.entrypoints.consumer``."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from hms_platform.messaging.inbox import InboxConsumer
from hms_platform.runtime import run, serve_consumer
from hms_reporting.bootstrap import build
from hms_reporting.config import ReportingSettings

QUEUE = "reporting.events"
CONSUMER = "reporting"


def build_consumer(settings: ReportingSettings, engine: AsyncEngine) -> InboxConsumer:
    return InboxConsumer.for_bus(CONSUMER, build(settings, engine))


def main() -> None:
    settings = ReportingSettings()
    run(serve_consumer(settings, QUEUE, lambda engine: build_consumer(settings, engine)))


if __name__ == "__main__":
    main()
