"""The process entrypoints over the real database: embedded component, scheduler loop, relay
of our outbox rows, and the CLI's migrate."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from hms_appointments import MIGRATIONS
from hms_appointments.adapters.orm import TABLES
from hms_appointments.domain.actor import PATIENT, Actor
from hms_appointments.embedded import component
from hms_appointments.entrypoints import cli
from hms_appointments.entrypoints.scheduler import run_scheduler
from hms_appointments.service_layer import commands as c
from hms_contracts.auth import UserRegistered
from hms_contracts.envelope import Envelope
from hms_platform.messaging.memory import InMemoryBus
from hms_platform.testing.database import head, revision
from hms_platform.testing.polling import eventually
from hms_platform.testing.relay import relayed

OVERDUE = sa.text(
    "INSERT INTO appointments.appointments (id, patient_id, doctor_id, start_at, end_at, status,"
    " urgency, booked_by, created_at) VALUES (:id, :p, :d, :s, :e, 'booked', 3, :p, :s)")


async def test_the_embedded_component_consumes_auth_events_and_sweeps_no_shows(db, world) -> None:
    bus = InMemoryBus()
    part = component(world.engine.url.render_as_string(hide_password=False), bus)
    assert (part.name, part.prefix, part.migrations, part.tables.schema) == (
        "appointments", "/api/appointments", MIGRATIONS, "appointments")
    assert part.app.state.settings.jwks_url.endswith(":8000/api/auth/.well-known/jwks.json")
    for sub in part.subscriptions:
        await bus.subscribe(sub.queue, sub.routing_keys, sub.handler)
    doctor = uuid.uuid4()
    await bus.publish(Envelope.of(UserRegistered(user_id=doctor, role="doctor", full_name="Dr Z")))
    await bus.drain()
    assert await world.scalar("SELECT full_name FROM appointments.people WHERE id = :i",
                              i=doctor) == "Dr Z"

    appt = uuid.uuid4()
    async with db.begin() as conn:  # booked yesterday, never came (real clock here)
        start = datetime.now(UTC) - timedelta(days=1)
        await conn.execute(OVERDUE, {"id": appt, "p": uuid.uuid4(), "d": doctor, "s": start,
                                     "e": start + timedelta(minutes=30)})
    [sweep] = part.background
    task = asyncio.create_task(sweep())
    try:
        async def marked() -> bool:
            return await world.scalar("SELECT status FROM appointments.appointments "
                                      "WHERE id = :i", i=appt) == "no_show"

        await eventually(marked, timeout=10)
    finally:
        task.cancel()
        await part.engine.dispose()
    assert await world.scalar("SELECT count(*) FROM appointments.penalties") == 1


async def test_the_scheduler_loop_stops_when_told(db, settings, clock, world) -> None:
    stop = asyncio.Event()
    loop = asyncio.create_task(run_scheduler(settings, db, stop, clock=clock))
    await asyncio.sleep(0.1)
    stop.set()
    async with asyncio.timeout(5):
        await loop
    assert loop.done() and loop.exception() is None


async def test_the_relay_publishes_our_outbox_rows(bus, world) -> None:
    doctor = await world.doctor()
    await bus.handle(c.BookAppointment(Actor(uuid.uuid4(), PATIENT), doctor, world.at("10:00")))
    assert await relayed(world.engine, TABLES, ["appointments.#"]) == [
        "appointments.schedule_changed.v1", "appointments.appointment_booked.v1"]


def test_cli_migrate_is_idempotent(migrated_url, monkeypatch) -> None:
    monkeypatch.setenv("APPOINTMENTS_DATABASE_URL", migrated_url)
    cli.main(["migrate"])
    cli.main(["migrate"])
    assert revision(migrated_url, "appointments") == head(MIGRATIONS)
