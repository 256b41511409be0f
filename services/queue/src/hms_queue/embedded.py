"""The queue service inside the embedded run (one process, in-memory bus)."""

from __future__ import annotations

from hms_platform.embedding import Component, Subscription
from hms_platform.messaging.bus import EventBus
from hms_platform.runtime import engine_for
from hms_platform.web import make_token_verifier
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
    settings = QueueSettings(database_url=database_url)
    engine = engine_for(settings)
    app = create_app(settings, engine=engine, token_verifier=make_token_verifier(settings))
    consumer = build_consumer(settings, engine)
    return Component(
        name="queue", prefix=PREFIX, app=app, engine=engine, tables=TABLES,
        migrations=MIGRATIONS,
        subscriptions=[Subscription(QUEUE, consumer.routing_keys, consumer)],
    )
