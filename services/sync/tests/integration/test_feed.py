"""The feed on the real database: events through the real inbox consumer become rows; a pull
sees only what its caller may; a change committed while a pull runs reaches the next pull;
pages; a cursor too old; purged rows."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from hms_contracts import appointments as a
from hms_contracts import auth
from hms_contracts import notifications as n
from hms_contracts import queue as q
from hms_sync.adapters.feed import SqlFeed, SqlFeedReader
from hms_sync.domain.changes import Row
from hms_sync.domain.cursor import Cursor
from hms_sync.domain.errors import CursorExpired
from hms_sync.domain.operations import Caller
from hms_sync.service_layer.pull import pull

pytestmark = pytest.mark.integration

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # Monday 12:00 in Nairobi


async def pulled(db, settings, caller: Caller, cursor: str | None = None,  # type: ignore[no-untyped-def]
                 limit: int = 100, now: datetime = NOW) -> Any:
    return await pull(caller, cursor, SqlFeedReader(db), now=now, tz=settings.tz,
                      retention=settings.retention, limit=limit)


def ids(result: Any) -> set[str]:
    return {c["id"] for c in result.changes}


async def test_each_caller_sees_only_their_own_records_or_todays(db, settings, producer) -> None:
    p1, p2, d1, d2 = (uuid.uuid4() for _ in range(4))
    for p in (p1, p2):
        await producer.send(auth.UserRegistered(user_id=p, role="patient", full_name="P"))
    today, tomorrow, t1, t2, msg = (uuid.uuid4() for _ in range(5))
    await producer.send(a.AppointmentBooked(
        appointment_id=today, patient_id=p1, doctor_id=d1, start=NOW + timedelta(hours=1),
        end=NOW + timedelta(hours=2), urgency=3, booked_by=p1))
    await producer.send(a.AppointmentBooked(
        appointment_id=tomorrow, patient_id=p2, doctor_id=d2, start=NOW + timedelta(days=1),
        end=NOW + timedelta(days=1, hours=1), urgency=3, booked_by=p2))
    await producer.send(q.TicketIssued(ticket_id=t1, number=1, patient_id=p1, doctor_id=d1,
                                       urgency=3, source="walk_in", position=1, eta_minutes=0))
    await producer.send(q.TicketIssued(ticket_id=t2, number=1, patient_id=p2, doctor_id=d2,
                                       urgency=3, source="walk_in", position=1, eta_minutes=0))
    await producer.send(n.NotificationSent(notification_id=msg, recipient_id=p1, channel="sms",
                                           kind="appointment_booked", dedup_key="k",
                                           attempts=1))

    assert ids(await pulled(db, settings, Caller(p1, "patient"))) == {
        str(p1), str(today), str(t1), str(msg)}
    assert ids(await pulled(db, settings, Caller(p2, "patient"))) == {
        str(p2), str(tomorrow), str(t2)}
    assert ids(await pulled(db, settings, Caller(d1, "doctor"))) == {str(today), str(t1)}
    assert ids(await pulled(db, settings, Caller(uuid.uuid4(), "doctor"))) == set()
    for role in ("receptionist", "admin"):  # today's appointments and lines, no profiles
        assert ids(await pulled(db, settings, Caller(uuid.uuid4(), role))) == {
            str(today), str(t1), str(t2)}


async def test_a_change_committed_while_a_pull_runs_reaches_the_next_pull(
        db, settings, producer) -> None:
    patient = uuid.uuid4()
    caller = Caller(patient, "patient")
    late = Row("ticket", str(uuid.uuid4()), 1, {"status": "waiting"}, NOW, str(patient))
    async with db.connect() as held:
        await held.begin()
        await SqlFeed(held).save(late, new=True)  # written first: the lower seq
        # Committed meanwhile, with a higher seq: a bare "after seq N" cursor would skip the
        # held row once it commits.
        await producer.send(auth.UserRegistered(user_id=patient, role="patient",
                                                full_name="Wanjiru"))
        first = await pulled(db, settings, caller)
        assert ids(first) == {str(patient)}
        await held.commit()
    async with db.connect() as conn:
        seqs = dict((await conn.execute(sa.text("SELECT id, seq FROM sync.changes"))).all())
    assert seqs[late.id] < seqs[str(patient)]  # behind what the first pull already returned
    second = await pulled(db, settings, caller, first.cursor)
    assert late.id in ids(second)


async def test_pages_return_every_change_once_then_the_next_pass_only_new_ones(
        db, settings, producer) -> None:
    patient = uuid.uuid4()
    await producer.send(auth.UserRegistered(user_id=patient, role="patient", full_name="P"))
    tickets = [uuid.uuid4() for _ in range(4)]
    for t in tickets:
        await producer.send(q.TicketIssued(ticket_id=t, number=1, patient_id=patient,
                                           doctor_id=uuid.uuid4(), urgency=3,
                                           source="walk_in", position=1, eta_minutes=0))
    seen: list[str] = []
    cursor, more = None, True
    while more:
        page = await pulled(db, settings, Caller(patient, "patient"), cursor, limit=2)
        seen += [c["id"] for c in page.changes]
        cursor, more = page.cursor, page.has_more
    assert sorted(seen) == sorted([str(patient), *map(str, tickets)])
    await producer.send(q.PatientCalled(ticket_id=tickets[0], number=1, patient_id=patient,
                                        doctor_id=uuid.uuid4(), room="4", called_at=NOW),
                        at=NOW + timedelta(minutes=1))
    following = await pulled(db, settings, Caller(patient, "patient"), cursor)
    called = [c for c in following.changes if c["id"] == str(tickets[0])]
    assert called and called[0]["version"] == 2 and called[0]["fields"]["status"] == "called"


async def test_a_cursor_older_than_the_retention_is_gone(db, settings) -> None:
    old = Cursor(0, 0, 0, NOW - timedelta(days=settings.retention_days, seconds=1)).encode()
    with pytest.raises(CursorExpired, match="pull again without a cursor"):
        await pulled(db, settings, Caller(uuid.uuid4(), "patient"), old)
    fresh = Cursor(0, 0, 0, NOW - timedelta(days=settings.retention_days - 1)).encode()
    await pulled(db, settings, Caller(uuid.uuid4(), "patient"), fresh)


async def test_rows_not_renewed_past_the_retention_are_purged(db, settings, producer) -> None:
    old, new = uuid.uuid4(), uuid.uuid4()
    await producer.send(auth.UserRegistered(user_id=old, role="patient", full_name="Old"))
    async with db.begin() as conn:
        await conn.execute(sa.text(
            "UPDATE sync.changes SET changed_at = now() - make_interval(days => :d)"),
            {"d": settings.retention_days + 2})
    await producer.send(auth.UserRegistered(user_id=new, role="patient", full_name="New"))
    async with db.connect() as conn:
        kept = (await conn.execute(sa.text("SELECT id FROM sync.changes"))).scalars().all()
    assert kept == [str(new)]


async def test_a_redelivered_event_has_one_effect(db, settings, producer) -> None:
    patient = uuid.uuid4()
    sent = await producer.send(auth.UserRegistered(user_id=patient, role="patient",
                                                   full_name="P"))
    await producer.consumer(sent)
    await producer.send(auth.UserUpdated(user_id=patient, changed=["full_name"],
                                         full_name="Q"), at=NOW + timedelta(seconds=1))
    (change,) = (await pulled(db, settings, Caller(patient, "patient"))).changes
    assert (change["version"], change["fields"]["full_name"]) == (2, "Q")
