"""The reporting service inside the embedded run (one process, in-memory bus)."""

from __future__ import annotations

from hms_platform.embedding import Component, Subscription
from hms_platform.messaging.bus import EventBus
from hms_platform.runtime import engine_for
from hms_platform.web import make_token_verifier
from hms_reporting import MIGRATIONS
from hms_reporting.adapters.orm import TABLES
from hms_reporting.config import ReportingSettings
from hms_reporting.entrypoints.api import AUDIT, PREFIX, REPORTS
from hms_reporting.entrypoints.api.app import create_app
from hms_reporting.entrypoints.consumer import QUEUE, build_consumer


def component(database_url: str, bus: EventBus) -> Component:
    """The app (under its three prefixes, as the gateway routes them), engine, tables,
    migrations and the subscription to every event. Tokens come from auth in the same
    process: ``jwks_url`` defaults to the embedded port. (``bus`` is the runner's: it
    subscribes the consumer and runs the relay on it.)"""
    settings = ReportingSettings(database_url=database_url)
    engine = engine_for(settings)
    app = create_app(settings, engine=engine, token_verifier=make_token_verifier(settings))
    consumer = build_consumer(settings, engine)
    return Component(
        name="reporting", prefix=PREFIX, prefixes=(PREFIX, REPORTS, AUDIT), app=app,
        engine=engine, tables=TABLES, migrations=MIGRATIONS,
        subscriptions=[Subscription(QUEUE, consumer.routing_keys, consumer)],
    )
