"""The consumer's round trips per event, counted on the engine (every statement, and BEGIN and
COMMIT or ROLLBACK): each booking makes a few events, and a test here fails when one grows
back. Then what the folded statement (purge, insert, or the record's row locked) must still
do: a row another consumer inserted or updated while it waited is merged as that consumer
left it, nothing lost; the purge spares the row the event renews."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from hms_contracts import appointments as a
from hms_contracts import auth
from hms_contracts import notifications as n
from hms_contracts.envelope import EventPayload
from hms_platform.testing.round_trips import round_trips
from hms_sync.adapters.feed import SqlFeed
from hms_sync.domain.changes import Update, created, merge, update_for

pytestmark = pytest.mark.integration

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TZ = ZoneInfo("Africa/Nairobi")  # the test settings' clinic timezone


def project(event: EventPayload, at: datetime) -> Update:
    found = update_for(event.NAME, event.model_dump(mode="json"), at, TZ)
    assert found is not None
    return found


def booked(appointment: uuid.UUID, patient: uuid.UUID) -> a.AppointmentBooked:
    return a.AppointmentBooked(
        appointment_id=appointment, patient_id=patient, doctor_id=uuid.uuid4(),
        start=NOW + timedelta(hours=1), end=NOW + timedelta(hours=2), urgency=3,
        booked_by=patient)


async def stored(db: Any, entity: str, id: uuid.UUID) -> Any:
    async with db.connect() as conn:
        return await SqlFeed(conn).load(entity, str(id))


async def until_waiting(db: Any, task: asyncio.Task[Any]) -> None:
    """Until ``task``'s statement waits for a lock another connection holds."""
    async with db.connect() as watch:
        while not (await watch.execute(sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock'"))).scalar():
            assert not task.done()
            await asyncio.sleep(0.01)


async def test_a_record_s_first_event_is_four_round_trips(db, producer) -> None:  # type: ignore[no-untyped-def]
    """BEGIN, the inbox's claim, the purge with the row's insert, COMMIT (it was 6): a
    booking's and each of its messages'."""
    patient, appointment, message = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    with round_trips(db) as booking:
        await producer.send(booked(appointment, patient))
    with round_trips(db) as sms:
        sent = await producer.send(n.NotificationSent(
            notification_id=message, recipient_id=patient, channel="sms",
            kind="appointment_booked", dedup_key="k", attempts=1))
    for trips in (booking, sms):
        assert len(trips) <= 4, "\n".join(trips)
    assert (await stored(db, "appointment", appointment)).version == 1
    assert (await stored(db, "message", message)).fields["status"] == "sent"
    with round_trips(db) as again:
        await producer.deliver(sent)
    assert again == ["BEGIN", again[1], "ROLLBACK"]  # the claim finds it: nothing else


async def test_an_event_on_a_record_with_a_row_is_five_and_merged(db, producer) -> None:  # type: ignore[no-untyped-def]
    """The insert finds the row and returns it locked; the update follows (it was 6)."""
    patient, appointment = uuid.uuid4(), uuid.uuid4()
    first = booked(appointment, patient)
    await producer.send(first)
    checked_in = a.PatientCheckedIn(appointment_id=appointment, patient_id=patient,
                                    doctor_id=first.doctor_id, urgency=2, arrived_at=NOW)
    with round_trips(db) as sent:
        await producer.send(checked_in, at=NOW + timedelta(minutes=5))
    assert len(sent) <= 5, "\n".join(sent)
    expected = merge(created(project(first, NOW)), project(checked_in, NOW + timedelta(minutes=5)))
    assert await stored(db, "appointment", appointment) == expected
    with round_trips(db) as unchanged:  # the same fact again under a new id: no write
        await producer.send(checked_in, at=NOW + timedelta(minutes=5))
    assert len(unchanged) <= 4, "\n".join(unchanged)
    assert await stored(db, "appointment", appointment) == expected


async def test_an_ignored_event_only_purges(db, producer) -> None:  # type: ignore[no-untyped-def]
    with round_trips(db) as sent:
        await producer.send(auth.UserRegistered(user_id=uuid.uuid4(), role="doctor",
                                                full_name="Dr"))
    assert len(sent) <= 4, "\n".join(sent)


async def test_a_row_committed_while_the_insert_waits_is_merged(db, settings, producer) -> None:  # type: ignore[no-untyped-def]
    """Another consumer's row, uncommitted when the statement began: the insert waits for it
    and then finds it taken, too late for the statement to read it; it is loaded and
    merged."""
    patient, appointment = uuid.uuid4(), uuid.uuid4()
    first = booked(appointment, patient)
    theirs = created(project(first, NOW))
    checked_in = a.PatientCheckedIn(appointment_id=appointment, patient_id=patient,
                                    doctor_id=first.doctor_id, urgency=2, arrived_at=NOW)
    async with db.connect() as held:
        await held.begin()
        await SqlFeed(held).save(theirs, new=True)
        with round_trips(db) as sent:
            mine = asyncio.create_task(producer.send(checked_in,
                                                     at=NOW + timedelta(minutes=5)))
            await until_waiting(db, mine)
            await held.commit()
            await asyncio.wait_for(mine, 10)
    assert any(s.startswith("SELECT version") for s in sent), "\n".join(sent)  # the load
    row = await stored(db, "appointment", appointment)
    assert row == merge(theirs, project(checked_in, NOW + timedelta(minutes=5)))
    assert row is not None and row.version == 2


async def test_a_row_updated_while_the_lock_waits_is_read_as_updated(db, producer) -> None:  # type: ignore[no-untyped-def]
    """The lock in the folded statement returns the row as the other consumer left it, not
    as it was when the statement began: no update is lost."""
    patient, appointment = uuid.uuid4(), uuid.uuid4()
    first = booked(appointment, patient)
    await producer.send(first)
    checked_in = a.PatientCheckedIn(appointment_id=appointment, patient_id=patient,
                                    doctor_id=first.doctor_id, urgency=2, arrived_at=NOW)
    completed = a.AppointmentCompleted(appointment_id=appointment, patient_id=patient,
                                       doctor_id=first.doctor_id, completed_at=NOW)
    async with db.connect() as held:
        await held.begin()
        feed = SqlFeed(held)
        theirs = merge(await feed.load("appointment", str(appointment)),
                       project(checked_in, NOW + timedelta(minutes=5)))
        assert theirs is not None
        await feed.save(theirs, new=False)
        mine = asyncio.create_task(producer.send(completed, at=NOW + timedelta(minutes=30)))
        await until_waiting(db, mine)
        await held.commit()
        await asyncio.wait_for(mine, 10)
    row = await stored(db, "appointment", appointment)
    assert row == merge(theirs, project(completed, NOW + timedelta(minutes=30)))
    assert row is not None and row.version == 3 and "arrived_at" in row.fields


async def test_the_purge_spares_the_row_the_event_renews(db, settings, producer) -> None:  # type: ignore[no-untyped-def]
    patient, appointment, other = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    first = booked(appointment, patient)
    await producer.send(first)
    await producer.send(booked(other, patient))
    async with db.begin() as conn:
        await conn.execute(sa.text(
            "UPDATE sync.changes SET changed_at = now() - make_interval(days => :d)"),
            {"d": settings.retention_days + 2})
    await producer.send(a.PatientCheckedIn(
        appointment_id=appointment, patient_id=patient, doctor_id=first.doctor_id, urgency=2,
        arrived_at=NOW), at=NOW + timedelta(minutes=5))
    async with db.connect() as conn:
        kept = (await conn.execute(sa.text(
            "SELECT id FROM sync.changes WHERE changed_at > now() - interval '1 hour'"
        ))).scalars().all()
        left = (await conn.execute(sa.text("SELECT id FROM sync.changes"))).scalars().all()
    assert kept == left == [str(appointment)]
