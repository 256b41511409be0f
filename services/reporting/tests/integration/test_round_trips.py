"""The consumer's round trips per event, counted on the engine (every statement, and BEGIN and
COMMIT or ROLLBACK): the reporting consumer gets every event of the catalogue, and a test here
fails when one grows back. Then what the folded statement must still do: an event kept once
(the event store, whatever the inbox says), the actor's role, a later fact merged into the
stored row, and a row another transaction made meanwhile."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import asyncpg
import sqlalchemy as sa

from hms_contracts.appointments import AppointmentBooked, AppointmentCompleted
from hms_contracts.auth import UserRegistered, UserUpdated
from hms_contracts.envelope import Envelope, EventPayload
from hms_contracts.notifications import NotificationSent
from hms_platform.pgurl import libpq_url
from hms_platform.testing.round_trips import round_trips
from hms_reporting.entrypoints.cli import rebuild

BEGIN, COMMIT = "BEGIN", "COMMIT"


def booking(appointment: uuid.UUID, patient: uuid.UUID, doctor: uuid.UUID,
            booked_by: uuid.UUID, start: Any) -> AppointmentBooked:
    return AppointmentBooked(appointment_id=appointment, patient_id=patient, doctor_id=doctor,
                             start=start, end=start + timedelta(minutes=30), urgency=3,
                             booked_by=booked_by)


async def sent_by(db: Any, producer: Any, payload: EventPayload,
                  **envelope_fields: Any) -> tuple[Envelope, list[str]]:
    envelope = Envelope.of(payload, **envelope_fields)
    with round_trips(db) as sent:
        await producer.deliver(envelope)
    return envelope, sent


async def fetch(db: Any, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    async with db.connect() as conn:
        return [tuple(r) for r in await conn.execute(sa.text(sql), params)]


async def test_a_booking_and_its_sms_are_four_round_trips_each(db, producer, clock) -> None:
    """BEGIN, the inbox's claim, one statement (the event, its audit entry with the actor's
    stored role, its new row), COMMIT. (They were 9 and 7.) Delivered again: the claim
    finds it."""
    desk, patient, doctor, appointment = (uuid.uuid4() for _ in range(4))
    await producer.send(UserRegistered(user_id=desk, role="receptionist", full_name="Desk"))
    start = clock.now() + timedelta(days=2)
    booked, sent = await sent_by(db, producer, booking(appointment, patient, doctor, desk, start))
    assert len(sent) <= 4 and sent[0] == BEGIN and sent[-1] == COMMIT, "\n".join(sent)
    sms, sent = await sent_by(db, producer, NotificationSent(
        notification_id=uuid.uuid4(), recipient_id=patient, channel="sms",
        kind="appointment_booked", dedup_key=f"{appointment}:booked", attempts=1))
    assert len(sent) <= 4 and sent[-1] == COMMIT, "\n".join(sent)
    with round_trips(db) as again:
        await producer.deliver(booked)
        await producer.deliver(sms)
    assert again == [BEGIN, again[1], "ROLLBACK"] * 2
    assert await fetch(db, "SELECT status, patient_id, doctor_id, start, status_rank "
                           "FROM reporting.appointments") == [
        ("booked", patient, doctor, start, 0)]
    assert await fetch(db, "SELECT status, channel, attempts FROM reporting.notifications") == [
        ("sent", "sms", 1)]
    assert await fetch(db, "SELECT action, actor_id, actor_role, subject_id "
                           "FROM reporting.audit_log WHERE event_id = :e",
                       e=booked.event_id) == [
        ("appointments.appointment_booked", desk, "receptionist", appointment)]


async def test_a_later_fact_merges_into_the_stored_row(db, producer, clock) -> None:
    """The row is there: locked by the same statement, merged, written back (5). A fact that
    changes nothing of it (an older booking, arriving late) writes nothing back (4)."""
    patient, doctor, appointment = (uuid.uuid4() for _ in range(3))
    start = clock.now() + timedelta(days=2)
    await producer.send(booking(appointment, patient, doctor, patient, start))
    _, done = await sent_by(db, producer, AppointmentCompleted(
        appointment_id=appointment, patient_id=patient, doctor_id=doctor, completed_at=start))
    assert len(done) <= 5 and done[-2].startswith("UPDATE"), "\n".join(done)
    late = booking(appointment, patient, doctor, patient, start - timedelta(hours=1))
    _, again = await sent_by(db, producer, late, occurred_at=clock.now() - timedelta(days=1))
    assert len(again) <= 4, "\n".join(again)
    assert await fetch(db, "SELECT status, start FROM reporting.appointments") == [
        ("completed", start)]
    assert await fetch(db, "SELECT count(*) FROM reporting.audit_log") == [(3,)]


async def test_an_event_the_store_has_changes_nothing(db, producer, clock) -> None:
    """The inbox forgot it (say, pruned): the event store's key still drops it, and nothing
    of it is written again."""
    patient, appointment = uuid.uuid4(), uuid.uuid4()
    start = clock.now() + timedelta(days=2)
    booked = await producer.send(booking(appointment, patient, uuid.uuid4(), patient, start))
    await producer.send(AppointmentCompleted(appointment_id=appointment, patient_id=patient,
                                             doctor_id=uuid.uuid4(), completed_at=start))
    async with db.begin() as conn:
        await conn.execute(sa.text("DELETE FROM reporting.inbox"))
    with round_trips(db) as sent:
        await producer.deliver(booked)
    assert len(sent) == 4, "\n".join(sent)  # BEGIN, claim, the event kept before, COMMIT
    assert await fetch(db, "SELECT count(*) FROM reporting.events") == [(2,)]
    assert await fetch(db, "SELECT count(*) FROM reporting.audit_log") == [(2,)]
    assert await fetch(db, "SELECT status FROM reporting.appointments") == [("completed",)]


async def test_a_row_made_meanwhile_by_another_transaction_is_read_after_it(
        db, producer, settings, clock) -> None:
    """Another transaction inserts the row after the statement began and commits while the
    statement waits for it: the statement sees neither its own row nor that one, so the row is
    read (locked) in a statement of its own and the fact merged into it."""
    patient, doctor, appointment = (uuid.uuid4() for _ in range(3))
    start = clock.now() + timedelta(days=2)
    other = await asyncpg.connect(libpq_url(settings.database_url.get_secret_value()))
    try:
        tx = other.transaction()
        await tx.start()
        await other.execute(
            "INSERT INTO reporting.appointments (appointment_id, status, status_rank, "
            "status_stamp) VALUES ($1, 'completed', 2, '9999')", appointment)
        with round_trips(db) as sent:
            task = asyncio.create_task(producer.send(
                booking(appointment, patient, doctor, patient, start)))
            async with asyncio.timeout(10):  # until the statement waits for this transaction
                while not await other.fetchval(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        "AND query LIKE 'WITH stored%'"):
                    await other.execute("SELECT pg_stat_clear_snapshot()")  # else as it was
                    await asyncio.sleep(0.01)
            await tx.commit()
            await task
    finally:
        await other.close()
    assert len(sent) == 7, "\n".join(sent)  # the row's insert and read after, the update
    assert await fetch(db, "SELECT status, patient_id, doctor_id, start "
                           "FROM reporting.appointments") == [
        ("completed", patient, doctor, start)]


async def test_an_actor_changing_their_own_role_is_recorded_with_the_new_one(
        db, producer, settings, clock) -> None:
    """The role as the fact leaves the actor's own row, as a replay has it."""
    user, now = uuid.uuid4(), clock.now()
    await producer.send(UserRegistered(user_id=user, role="patient", full_name="Pat"), now)
    await producer.send(UserUpdated(user_id=user, changed=["role"], role="doctor",
                                    updated_by=user), now + timedelta(minutes=1))
    await producer.send(UserUpdated(user_id=user, changed=["full_name"], full_name="Dr Pat",
                                    updated_by=user), now + timedelta(minutes=2))
    trail = "SELECT event_id, action, actor_role FROM reporting.audit_log ORDER BY occurred_at"
    written = await fetch(db, trail)
    assert [(a, r) for _, a, r in written] == [
        ("auth.user_registered", None), ("auth.role_changed", "doctor"),
        ("auth.user_updated", "doctor")]
    async with db.begin() as conn:
        await conn.execute(sa.text("TRUNCATE reporting.audit_log"))
    assert await rebuild(settings) == 3
    assert await fetch(db, trail) == written
