"""The events the feed is built from -> this service's message bus, through the inbox
(hms_platform.consumers). Run: ``python -m hms_sync.entrypoints.consumer``."""

from __future__ import annotations

from hms_platform.consumers import consumer_process
from hms_sync.bootstrap import build
from hms_sync.config import SyncSettings

QUEUE, CONSUMER = "sync.events", "sync"
build_consumer, main = consumer_process(SyncSettings, QUEUE, CONSUMER, build)

if __name__ == "__main__":
    main()
