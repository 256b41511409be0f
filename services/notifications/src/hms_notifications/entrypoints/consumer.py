"""auth's, appointments' and queue's events -> due messages in the log, through the inbox (a
duplicate delivery, even concurrent, has one effect; UNIQUE (dedup_key, channel) covers the
same fact published twice). Nothing is sent here. Run:
``python -m hms_notifications.entrypoints.consumer``."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from hms_notifications.bootstrap import build
from hms_notifications.config import NotificationsSettings
from hms_platform.messaging.inbox import InboxConsumer
from hms_platform.runtime import run, serve_consumer

QUEUE = "notifications.events"
CONSUMER = "notifications"


def build_consumer(settings: NotificationsSettings, engine: AsyncEngine) -> InboxConsumer:
    return InboxConsumer.for_bus(CONSUMER, build(settings, engine))


def main() -> None:
    settings = NotificationsSettings()
    run(serve_consumer(settings, QUEUE, lambda engine: build_consumer(settings, engine)))


if __name__ == "__main__":
    main()
