"""The consumer's round trips per event, counted on the engine (every statement, and BEGIN and
COMMIT or ROLLBACK): a check-in was 20 (25 when the ticket was near the front), a booking 6,
and a test here fails when a handler grows one back. Then what the folded statements must
still do: the ticket placed in its line as a read after its insert would place it, the
line's NOTIFY delivered at commit only, and a slot length written under the directory's
lock."""

from __future__ import annotations

import asyncio
import random
import uuid
from datetime import date, timedelta
from typing import Any

import asyncpg
import sqlalchemy as sa

from hms_contracts.appointments import AppointmentBooked, PatientCheckedIn
from hms_contracts.envelope import Envelope
from hms_contracts.registry import parse_payload
from hms_platform.pgurl import libpq_url
from hms_platform.testing.round_trips import round_trips
from hms_queue.adapters.orm import LINES_CHANNEL, tickets
from hms_queue.adapters.tickets import SqlTicketRepository
from hms_queue.domain.ticket import Ticket

DAY = date(2026, 3, 2)


def booking(doctor: uuid.UUID, minutes: int, world: Any) -> Envelope:
    start, patient = world.clock.now() + timedelta(days=2), uuid.uuid4()
    return Envelope.of(AppointmentBooked(
        appointment_id=uuid.uuid4(), patient_id=patient, doctor_id=doctor, start=start,
        end=start + timedelta(minutes=minutes), urgency=3, booked_by=patient))


async def test_a_check_in_is_eight_round_trips(world: Any) -> None:
    """BEGIN, the inbox's claim, the line's lock, one read (the appointment's ticket and end,
    the patient in the line, the doctor, the visit in progress), the line's next number, the
    insert (with its history, the people ahead, the line's first tickets and its NOTIFY),
    the outbox, COMMIT; one more per ticket told its turn is near."""
    doctor = await world.register("doctor", room="4")
    for _ in range(5):
        await world.consumer(world.check_in(doctor))
        world.clock.advance(seconds=30)
    event = world.check_in(doctor, urgency=2)
    with round_trips(world.engine) as sent:
        await world.consumer(event)
    assert len(sent) <= 8, "\n".join(sent)
    issued = (await world.events("queue.ticket_issued.v1"))[-1]
    assert (issued["appointment_id"], issued["position"]) == (event.payload["appointment_id"], 6)
    assert await world.scalar("SELECT count(*) FROM queue.ticket_history WHERE action = "
                              "'issued'") == 6
    with round_trips(world.engine) as again:  # the same check-in under a new event id
        await world.consumer(Envelope.of(PatientCheckedIn.model_validate(event.payload)))
    assert len(again) <= 5, "\n".join(again)  # BEGIN, the claim, the lock, the read, COMMIT
    with round_trips(world.engine) as redelivered:
        await world.consumer(event)
    assert redelivered == [redelivered[0], redelivered[1], "ROLLBACK"]
    assert await world.scalar("SELECT count(*) FROM queue.tickets") == 6


async def test_a_booking_is_four_round_trips(world: Any) -> None:
    """BEGIN, the claim, the slot length's one write (its lock inside), COMMIT (was 6)."""
    doctor = await world.register("doctor")
    with round_trips(world.engine) as sent:
        await world.consumer(booking(doctor, 20, world))
    assert len(sent) <= 4, "\n".join(sent)
    slot = "SELECT slot_minutes FROM queue.people WHERE id = :d"
    assert await world.scalar(slot, d=doctor) == 20
    unknown = uuid.uuid4()  # a doctor auth has not told of yet: a blank entry
    await world.consumer(booking(unknown, 15, world))
    assert await world.scalar(slot, d=unknown) == 15
    assert await world.scalar("SELECT role IS NULL AND active FROM queue.people "
                              "WHERE id = :d", d=unknown)
    version = "SELECT xmin::text FROM queue.people WHERE id = :d"
    before = await world.scalar(version, d=doctor)
    await world.consumer(booking(doctor, 20, world))  # the same length: no new row version
    assert await world.scalar(version, d=doctor) == before


async def test_the_slot_length_waits_for_the_directory_lock(world: Any) -> None:
    """A registration reads the whole entry under the lock and writes it back: the slot
    length written meanwhile must wait for it, not be overwritten by its stale read."""
    doctor = await world.register("doctor")
    async with world.uow_factory() as holder:
        person = await holder.people.get(doctor, for_update=True)
        writer = asyncio.create_task(world.consumer(booking(doctor, 25, world)))
        await asyncio.sleep(0.3)
        assert not writer.done()  # waiting for the lock
        person.room = "9"
        await holder.people.save(person)  # the stale read's slot_minutes (None)
        await holder.commit()
    await writer
    row = "SELECT slot_minutes::text || '/' || room FROM queue.people WHERE id = :d"
    assert await world.scalar(row, d=doctor) == "25/9"


async def test_a_check_in_notifies_its_line_at_commit_only(world: Any) -> None:
    doctor = await world.register("doctor")
    heard: list[str] = []
    listener = await asyncpg.connect(libpq_url(world.settings.database_url.get_secret_value()))
    try:
        await listener.add_listener(LINES_CHANNEL, lambda *args: heard.append(args[3]))
        event = world.check_in(doctor)
        async with world.uow_factory() as uow:  # handled, not committed: no notice yet
            await world.bus.handle(parse_payload(event), uow=uow)
            await asyncio.sleep(0.2)
            assert heard == []
        await world.consumer(world.check_in(doctor))
        async with asyncio.timeout(5):
            while not heard:
                await asyncio.sleep(0.02)
        await asyncio.sleep(0.2)
        assert heard == [str(doctor)]  # the rolled back one never, the committed one once
    finally:
        await listener.close()


async def test_a_ticket_is_placed_as_a_read_after_its_insert_would_place_it(
        db: Any, clock: Any, random_line: Any) -> None:
    """``add_in_line`` reads the line before its insert and puts the ticket where the people
    ahead say: on random lines, with aging, the same people ahead and first tickets as
    ``people_ahead`` and ``in_order`` read after the insert."""
    rng, now = random.Random(7), clock.now()
    for aging, limit in ((30, 4), (7, 4), (0, 6), (1, 30)):
        doctor = uuid.uuid4()
        rows = random_line(rng, doctor, now, range(1, 41))
        async with db.begin() as conn:
            await conn.execute(sa.insert(tickets), rows)
        for n in range(41, 61):
            queued = now - timedelta(seconds=30 * rng.randint(0, 400))
            ticket = Ticket.issue(doctor_id=doctor, clinic_day=DAY, letter="A", number=n,
                                  patient_id=uuid.uuid4(), urgency=rng.randint(1, 5),
                                  source="check_in", now=queued, by=uuid.uuid4())
            async with db.begin() as conn:
                repo = SqlTicketRepository(conn, lambda ticket: None)
                ahead, heads = await repo.add_in_line(ticket, now, aging, limit)
                assert ahead == await repo.people_ahead(ticket, now, aging)
                read = await repo.in_order(doctor, DAY, now, aging, limit)
                assert [vars(t) for t in heads] == [vars(t) for t in read]
            assert ticket.history == []
