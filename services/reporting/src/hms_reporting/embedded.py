"""The reporting service inside the embedded run (one process, in-memory bus)."""

from __future__ import annotations

from hms_platform.embedding import Component, service_component
from hms_platform.messaging.bus import EventBus
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
    return service_component(
        "reporting", ReportingSettings(database_url=database_url), prefix=PREFIX,
        prefixes=(PREFIX, REPORTS, AUDIT), create_app=create_app, tables=TABLES,
        migrations=MIGRATIONS, consumer=(QUEUE, build_consumer))
