"""The events the feed is built from -> this service's message bus, through the inbox: a
duplicate delivery, even concurrent, has one effect. The queue is bound to exactly the events
the bus has handlers for. Run: ``python -m hms_sync.entrypoints.consumer``."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from hms_platform.messaging.inbox import InboxConsumer
from hms_platform.runtime import run, serve_consumer
from hms_sync.bootstrap import build
from hms_sync.config import SyncSettings

QUEUE = "sync.events"
CONSUMER = "sync"


def build_consumer(settings: SyncSettings, engine: AsyncEngine) -> InboxConsumer:
    return InboxConsumer.for_bus(CONSUMER, build(settings, engine))


def main() -> None:
    settings = SyncSettings()
    run(serve_consumer(settings, QUEUE, lambda engine: build_consumer(settings, engine)))


if __name__ == "__main__":
    main()
