"""appointments' and auth's events -> this service's message bus, through the inbox
(hms_platform.consumers). Run: ``python -m hms_queue.entrypoints.consumer``."""

from __future__ import annotations

from hms_platform.consumers import consumer_process
from hms_queue.bootstrap import build
from hms_queue.config import QueueSettings

QUEUE, CONSUMER = "queue.events", "queue"
build_consumer, main = consumer_process(QueueSettings, QUEUE, CONSUMER, build)

if __name__ == "__main__":
    main()
