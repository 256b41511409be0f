"""The appointments service inside the embedded run (one process, in-memory bus)."""

from __future__ import annotations

from hms_appointments import MIGRATIONS
from hms_appointments.adapters.orm import TABLES
from hms_appointments.config import AppointmentsSettings
from hms_appointments.entrypoints.api import PREFIX
from hms_appointments.entrypoints.api.app import create_app
from hms_appointments.entrypoints.consumer import QUEUE, build_consumer
from hms_appointments.entrypoints.scheduler import run_scheduler
from hms_platform.embedding import Component, service_component
from hms_platform.messaging.bus import EventBus


def component(database_url: str, bus: EventBus) -> Component:
    """The app, engine, tables, migrations, auth-event subscription and no-show scheduler.
    Tokens come from auth in the same process: ``jwks_url`` defaults to the embedded port.
    (``bus`` is the runner's: it subscribes the consumer and runs the relay on it.)"""
    return service_component(
        "appointments", AppointmentsSettings(database_url=database_url), prefix=PREFIX,
        create_app=create_app, tables=TABLES, migrations=MIGRATIONS,
        consumer=(QUEUE, build_consumer), background=[run_scheduler])
