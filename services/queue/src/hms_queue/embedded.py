"""The queue service inside the embedded run (one process, in-memory bus)."""

from __future__ import annotations

from hms_platform.embedding import Component, service_component
from hms_platform.messaging.bus import EventBus
from hms_queue import MIGRATIONS
from hms_queue.adapters.orm import TABLES
from hms_queue.config import QueueSettings
from hms_queue.entrypoints.api import PREFIX
from hms_queue.entrypoints.api.app import create_app
from hms_queue.entrypoints.consumer import QUEUE, build_consumer


def component(database_url: str, bus: EventBus) -> Component:
    """The app, engine, tables, migrations and the subscription to appointments' and auth's
    events. Tokens come from auth in the same process: ``jwks_url`` defaults to the embedded
    port. (``bus`` is the runner's: it subscribes the consumer and runs the relay on it.)"""
    return service_component(
        "queue", QueueSettings(database_url=database_url), prefix=PREFIX,
        create_app=create_app, tables=TABLES, migrations=MIGRATIONS,
        consumer=(QUEUE, build_consumer))
