"""auth's, appointments' and queue's events -> due messages in the log, through the inbox
(hms_platform.consumers; UNIQUE (dedup_key, channel) covers the same fact published twice).
Nothing is sent here. Run: ``python -m hms_notifications.entrypoints.consumer``."""

from __future__ import annotations

from hms_notifications.bootstrap import build
from hms_notifications.config import NotificationsSettings
from hms_platform.consumers import consumer_process

QUEUE, CONSUMER = "notifications.events", "notifications"
build_consumer, main = consumer_process(NotificationsSettings, QUEUE, CONSUMER, build)

if __name__ == "__main__":
    main()
