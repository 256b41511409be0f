"""The auth service inside the embedded run (one process, in-memory bus)."""

from __future__ import annotations

from hms_auth import MIGRATIONS
from hms_auth.adapters.orm import OUTBOX
from hms_auth.config import AuthSettings
from hms_auth.entrypoints.api import PREFIX
from hms_auth.entrypoints.api.app import create_app
from hms_platform.embedding import Component
from hms_platform.messaging.bus import EventBus
from hms_platform.runtime import engine_for


def component(database_url: str, bus: EventBus) -> Component:
    """The app, engine, outbox tables and migrations; auth consumes no events. The first admin
    comes from HMS_ADMIN_USERNAME / HMS_ADMIN_PASSWORD as in any other run."""
    settings = AuthSettings(database_url=database_url)
    engine = engine_for(settings)
    return Component(name="auth", prefix=PREFIX, app=create_app(settings, engine=engine),
                     engine=engine, tables=OUTBOX, migrations=MIGRATIONS)
