"""The consumer's round trips per event, counted on the engine (every statement, and BEGIN and
COMMIT or ROLLBACK): at 200 bookings a second each one counts, and a test here fails when a
handler grows one back. Then what the folded statements must still do: the senders' wake-up
in the insert (once, only for new rows, at commit), every cap lock in one statement, a row
stored as it was planned."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

import asyncpg

from hms_contracts.appointments import AppointmentBooked, AppointmentCancelled
from hms_contracts.envelope import Envelope
from hms_contracts.queue import PatientCalled
from hms_notifications.adapters.messages import DUE_CHANNEL
from hms_notifications.domain.model import CAPPED, Message
from hms_notifications.service_layer.commands import SendDue
from hms_notifications.service_layer.ports import MessageFilter
from hms_platform.pgurl import libpq_url
from hms_platform.testing.round_trips import round_trips


def booking(patient: uuid.UUID, doctor: uuid.UUID, start: datetime,
            appointment_id: uuid.UUID | None = None) -> AppointmentBooked:
    return AppointmentBooked(appointment_id=appointment_id or uuid.uuid4(), patient_id=patient,
                             doctor_id=doctor, start=start, end=start + timedelta(minutes=30),
                             urgency=3, booked_by=patient)


async def test_a_booking_is_eight_round_trips(world: Any) -> None:
    """BEGIN, the inbox's claim, the appointment's lock, one read (the mark, the patient's and
    the doctor's contact details, the patient's preferences and devices), the cap's locks,
    its counts, the insert with the senders' wake-up, COMMIT. (It was 17.)"""
    patient = await world.person()
    doctor = await world.person(role="doctor", phone=None, email=None)
    envelope = Envelope.of(booking(patient, doctor, world.clock.now() + timedelta(days=2)))
    with round_trips(world.engine) as sent:
        await world.consumer(envelope)
    assert len(sent) <= 8, "\n".join(sent)
    rows = await world.messages()
    assert sorted((r.kind, r.channel) for r in rows) == [
        ("appointment_booked", "email"), ("appointment_booked", "sms"),
        ("appointment_reminder", "sms"), ("appointment_reminder", "sms")]
    assert {r.params["doctor"] for r in rows if r.kind == "appointment_booked"} == {
        "doctor A"}
    with round_trips(world.engine) as again:
        await world.consumer(envelope)
    assert again == [again[0], again[1], "ROLLBACK"]  # BEGIN, the claim that finds it


async def test_other_events_round_trips(world: Any) -> None:
    """A cancellation: its tombstone and the pending messages it cancels, then as a booking
    (10, was 16); a turn notice, never capped: no cap locks nor counts (5, was 8)."""
    patient = await world.person()
    with round_trips(world.engine) as cancelled:
        await world.deliver(AppointmentCancelled(
            appointment_id=uuid.uuid4(), patient_id=patient, doctor_id=uuid.uuid4(),
            cancelled_by=patient, late=False))
    with round_trips(world.engine) as called:
        await world.deliver(PatientCalled(
            ticket_id=uuid.uuid4(), number=7, patient_id=patient, doctor_id=uuid.uuid4(),
            room="3", called_at=world.clock.now()))
    assert len(cancelled) <= 10, "\n".join(cancelled)
    assert len(called) <= 5, "\n".join(called)
    assert sorted((r.kind, r.channel) for r in await world.messages()) == [
        ("appointment_cancelled", "email"), ("appointment_cancelled", "sms"),
        ("turn_now", "sms")]


async def test_new_rows_wake_the_senders_once_at_commit_and_nothing_else_does(
        world: Any) -> None:
    woken: list[str] = []
    listener = await asyncpg.connect(libpq_url(world.settings.database_url.get_secret_value()))
    try:
        await listener.add_listener(DUE_CHANNEL, lambda *args: woken.append(args[3]))

        async def settled() -> list[str]:
            """The notices so far: a marker sent after the last commit arrives after them."""
            marker = f"marker-{uuid.uuid4()}"
            await listener.execute(f"NOTIFY {DUE_CHANNEL}, '{marker}'")
            async with asyncio.timeout(10):
                while marker not in woken:
                    await asyncio.sleep(0.01)
            seen = woken[:woken.index(marker)]
            woken.clear()
            return seen

        patient = await world.person()
        assert await settled() == []  # a registration plans nothing
        event = booking(patient, uuid.uuid4(), world.clock.now() + timedelta(days=2))
        async with world.bus.uow_factory() as uow:  # planned, not committed: no wake yet
            await world.bus.handle(event, uow=uow)
            assert await settled() == []
            await uow.commit()
        assert await settled() == [""]  # four rows, one notice
        await world.deliver(event)  # the same fact again, under a new id: nothing new
        assert await settled() == []
        assert len(await world.messages()) == 4
    finally:
        await listener.close()


async def test_the_cap_locks_are_all_taken_in_one_statement(world: Any) -> None:
    keys = [f"user:{uuid.uuid4()}", "address:b", "address:a"]
    other = await asyncpg.connect(libpq_url(world.settings.database_url.get_secret_value()))
    try:
        async def free(key: str) -> bool:
            got = await other.fetchval(
                "SELECT pg_try_advisory_xact_lock(hashtext('notifications.recipient_cap'), "
                "hashtext($1))", key)
            return bool(got)

        async with world.bus.uow_factory() as uow:
            with round_trips(world.engine) as sent:
                await uow.messages.lock_recipients(keys + keys[:1])
            assert len([s for s in sent if s.startswith("SELECT")]) == 1
            for key in keys:
                assert not await free(key)
        assert all([await free(key) for key in keys])  # released with the transaction
    finally:
        await other.close()


async def test_a_row_is_stored_as_it_was_planned(world: Any) -> None:
    """The rows travel as JSON: every field comes back as it went, times to the microsecond
    whatever their zone."""
    east = timezone(timedelta(hours=3))
    at = datetime(2026, 3, 2, 8, 0, 1, 123456, tzinfo=east)
    message = Message(
        uuid.uuid4(), uuid.uuid4(), "appointment_booked", "email", "k:1", at, at,
        uuid.uuid4(), {"doctor": "Dr Ünal \"Q\" O'Neil", "n": 3, "nested": {"a": [1, None]}},
        status=CAPPED, attempts=2, sent_at=at + timedelta(microseconds=1),
        provider_id="SM1", provider_status="queued", last_error="capped: 5 ...",
        destination="d" * 40, subject="Subject", body="Body ✓")
    async with world.bus.uow_factory() as uow:
        assert await uow.messages.add([message]) == [message.id]
        assert await uow.messages.add([message]) == []  # the key and channel are taken
        await uow.commit()
    async with world.bus.uow_factory() as uow:
        [stored] = (await uow.messages.list(MessageFilter(message.recipient_id), 10, 0)).items
    assert stored == message


async def test_sending_a_turn_notice_is_eight_round_trips(world: Any) -> None:
    """The sender's claim (BEGIN, the claim, the recipients' contact details, preferences and
    devices in one read, COMMIT), then the record (BEGIN, the outcome while the claim is still
    ours, the NotificationSent event, COMMIT). (It was 10: contacts, preferences and devices
    apart.) A poll that finds nothing is BEGIN, the claim, COMMIT."""
    patient = await world.person(email=None)
    await world.deliver(PatientCalled(
        ticket_id=uuid.uuid4(), number=7, patient_id=patient, doctor_id=uuid.uuid4(),
        room="3", called_at=world.clock.now()))
    with round_trips(world.engine) as sent:
        assert await world.bus.handle(SendDue()) == 1
    assert len(sent) <= 8, "\n".join(sent)
    [row] = await world.messages()
    assert (row.kind, row.status, row.attempts) == ("turn_now", "sent", 1)
    [(address, _, message)] = world.channels["sms"].sent
    assert (message.id, address) == (row.id, "+254700000001")
    with round_trips(world.engine) as idle:
        assert await world.bus.handle(SendDue()) == 0
    assert len(idle) == 3, "\n".join(idle)
