"""``hms-notifications migrate | api | consumer | relay | scheduler | vapid-key``:
the platform's service command line (``hms_platform.cli``)."""

from __future__ import annotations

from hms_notifications import MIGRATIONS
from hms_notifications.config import NotificationsSettings
from hms_platform.cli import service_cli


def vapid_key() -> None:
    """A new VAPID private key for NOTIFICATIONS_VAPID_PRIVATE_KEY (raw, base64url)."""
    from hms_notifications.adapters.channels.vapid import new_private_key

    print(new_private_key())


main = service_cli("hms_notifications", NotificationsSettings, MIGRATIONS, api_port=8004,
                   description=__doc__,
                   processes={
                       "consumer": "turn events into due messages",
                       "relay": "publish the outbox",
                       "scheduler": "send due messages (reminders included)",
                   },
                   commands={"vapid-key": ("print a new Web Push (VAPID) private key for "
                                           "NOTIFICATIONS_VAPID_PRIVATE_KEY", vapid_key)})

if __name__ == "__main__":
    main()
