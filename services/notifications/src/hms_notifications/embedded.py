"""The notifications service inside the embedded run (one process, in-memory bus): every
channel is the console, so a booking's confirmation shows in the log and in
``GET /api/notifications/mine``."""

from __future__ import annotations

from hms_notifications import MIGRATIONS
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
