"""The appointments service inside the embedded run (one process, in-memory bus)."""

from __future__ import annotations

from hms_appointments import MIGRATIONS
from hms_appointments.adapters.orm import TABLES
from hms_appointments.config import AppointmentsSettings
from hms_appointments.entrypoints.api import PREFIX
from hms_appointments.entrypoints.api.app import create_app
from hms_appointments.entrypoints.consumer import QUEUE, build_consumer
from hms_appointments.entrypoints.scheduler import run_scheduler
from hms_platform.embedding import Component, Subscription
from hms_platform.messaging.bus import EventBus
from hms_platform.runtime import engine_for
from hms_platform.web import make_token_verifier


def component(database_url: str, bus: EventBus) -> Component:
    """The app, engine, tables, migrations, auth-event subscription and no-show scheduler.
    Tokens come from auth in the same process: ``jwks_url`` defaults to the embedded port.
    (``bus`` is the runner's: it subscribes the consumer and runs the relay on it.)"""
    settings = AppointmentsSettings(database_url=database_url)
    engine = engine_for(settings)
    app = create_app(settings, engine=engine, token_verifier=make_token_verifier(settings))
    consumer = build_consumer(settings, engine)
    return Component(
        name="appointments", prefix=PREFIX, app=app, engine=engine, tables=TABLES,
        migrations=MIGRATIONS,
        subscriptions=[Subscription(QUEUE, consumer.routing_keys, consumer)],
        background=[lambda: run_scheduler(settings, engine)],
    )
