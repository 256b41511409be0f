"""The notifications service inside the embedded run (one process, in-memory bus): every
channel is the console, so a booking's confirmation shows in the log and in
``GET /api/notifications/mine``; but with a VAPID key (``make run`` makes one at first start)
the patient app's Web Push subscriptions get real pushes."""

from __future__ import annotations

import ipaddress

from hms_notifications import MIGRATIONS
from hms_notifications.adapters.channels.vapid import new_private_key
from hms_notifications.adapters.orm import TABLES
from hms_notifications.config import NotificationsSettings
from hms_notifications.entrypoints.api import PREFIX
from hms_notifications.entrypoints.api.app import create_app
from hms_notifications.entrypoints.consumer import QUEUE, build_consumer
from hms_notifications.entrypoints.scheduler import run_sender
from hms_platform.embedding import Component, service_component
from hms_platform.messaging.bus import EventBus


def component(database_url: str, bus: EventBus) -> Component:
    """The app, engine, tables, migrations, event subscription and the sender (console).
    Tokens come from auth in the same process: ``jwks_url`` defaults to the embedded port."""
    settings = NotificationsSettings(database_url=database_url, console_channel=True)
    return service_component(
        "notifications", settings, prefix=PREFIX, create_app=create_app, tables=TABLES,
        migrations=MIGRATIONS, consumer=(QUEUE, build_consumer), background=[run_sender])


def new_vapid_key() -> str:
    """A fresh VAPID private key, as NOTIFICATIONS_VAPID_PRIVATE_KEY takes it."""
    return new_private_key()


def vapid_subject(host: str) -> str:
    """Whom push services may write to about our pushes: ``mailto:admin@<host>``, or
    ``admin@hms.local`` when the run listens on an address rather than a name."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if host and host != "localhost":
            return f"mailto:admin@{host}"
    return "mailto:admin@hms.local"
