"""``hms-notifications migrate | api | consumer | relay | scheduler``:
the platform's service command line (``hms_platform.cli``)."""

from __future__ import annotations

from hms_notifications import MIGRATIONS
from hms_notifications.config import NotificationsSettings
from hms_platform.cli import service_cli

main = service_cli("hms_notifications", NotificationsSettings, MIGRATIONS, api_port=8004,
                   description=__doc__,
                   processes={
                       "consumer": "turn events into due messages",
                       "relay": "publish the outbox",
                       "scheduler": "send due messages (reminders included)",
                   })

if __name__ == "__main__":
    main()
