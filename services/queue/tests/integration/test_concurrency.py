"""Call-next is atomic and the database keeps the line's rules even with the application
bypassed (correctness under concurrency)."""

from __future__ import annotations

import asyncio
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from hms_queue.domain import errors as exc
from hms_queue.domain.actor import Actor
from hms_queue.service_layer import commands as c


async def test_twenty_concurrent_call_nexts_on_ten_tickets(bus, world) -> None:
    """Twenty clients of the doctor each call next (serving what they get, and trying again
    while another client's patient is still being called): ten distinct tickets, ten 404s."""
    doctor = await world.register("doctor", room="5")
    me = Actor(doctor, "doctor")
    tickets = {(await world.walk_in(doctor, urgency=1 + i % 5)).ticket.id for i in range(10)}

    async def client() -> uuid.UUID | exc.LineEmpty:
        while True:
            try:
                ticket = await bus.handle(c.CallNext(me, doctor))
            except exc.DoctorBusy:
                await asyncio.sleep(0.01)
                continue
            except exc.LineEmpty as empty:
                return empty
            await bus.handle(c.ServeTicket(me, ticket.id))
            return ticket.id

    results = await asyncio.gather(*(client() for _ in range(20)))
    called = [r for r in results if isinstance(r, uuid.UUID)]
    assert len(called) == 10 and set(called) == tickets
    assert sum(isinstance(r, exc.LineEmpty) for r in results) == 10
    assert len(await world.events("queue.patient_called.v1")) == 10
    assert await world.scalar("SELECT count(*) FROM queue.tickets WHERE status = 'served'") == 10


async def test_concurrent_call_nexts_call_one_ticket_while_none_is_served(bus, world) -> None:
    doctor = await world.register("doctor")
    for _ in range(10):
        await world.walk_in(doctor)
    results = await asyncio.gather(*(bus.handle(c.CallNext(Actor(doctor, "doctor"), doctor))
                                     for _ in range(20)), return_exceptions=True)
    assert sum(not isinstance(r, BaseException) for r in results) == 1
    assert sum(isinstance(r, exc.DoctorBusy) for r in results) == 19, results
    assert await world.scalar("SELECT count(*) FROM queue.tickets WHERE status = 'called'") == 1


async def test_duplicate_check_in_events_give_one_ticket(world) -> None:
    doctor = await world.register("doctor")
    event = world.check_in(doctor, urgency=2)
    await world.consumer(event)
    await world.consumer(event)  # redelivered
    again = event.model_copy(update={"event_id": uuid.uuid4()})  # re-published: new event id
    replica = type(world.consumer).for_bus("queue", world.bus)
    await asyncio.gather(world.consumer(again), replica(event), world.consumer(again))
    assert await world.scalar("SELECT count(*) FROM queue.tickets") == 1
    assert len(await world.events("queue.ticket_issued.v1")) == 1


async def test_a_patient_holds_one_active_ticket_per_line(bus, world) -> None:
    doctor, patient = await world.register("doctor"), await world.register("patient")
    await world.walk_in(doctor, patient=patient)
    results = await asyncio.gather(*(world.walk_in(doctor, patient=patient) for _ in range(5)),
                                   return_exceptions=True)
    assert all(isinstance(r, exc.AlreadyQueued) for r in results), results
    assert await world.scalar("SELECT count(*) FROM queue.tickets") == 1


async def test_the_constraints_hold_with_the_application_bypassed(db, bus, world) -> None:
    doctor, patient = await world.register("doctor"), await world.register("patient")
    first = (await world.walk_in(doctor, patient=patient)).ticket
    await world.walk_in(doctor)
    insert = sa.text(
        "INSERT INTO queue.tickets (id, doctor_id, clinic_day, letter, number, patient_id, "
        "urgency, source, status, arrived_at, queued_at) VALUES (:id, :d, :day, 'A', :n, :p, "
        ":u, 'walk_in', :st, now(), now())")
    row = {"d": doctor, "day": first.clinic_day, "p": patient, "u": 3, "st": "waiting"}
    cases = (("tickets_one_active_per_patient_per_line", {"n": 90}),
             ("tickets_number_in_line", {"n": first.number, "p": uuid.uuid4()}),
             ("tickets_urgency_range", {"n": 91, "p": uuid.uuid4(), "u": 6}))
    for name, change in cases:
        with pytest.raises(IntegrityError, match=name):
            async with db.begin() as conn:
                await conn.execute(insert, {"id": uuid.uuid4(), **row, **change})
    async with db.begin() as conn:
        await conn.execute(sa.text("UPDATE queue.tickets SET status = 'called' WHERE id = :i"),
                           {"i": first.id})
    with pytest.raises(IntegrityError, match="tickets_one_called_per_doctor"):
        async with db.begin() as conn:
            await conn.execute(sa.text(
                "UPDATE queue.tickets SET status = 'called' WHERE doctor_id = :d "
                "AND status = 'waiting'"), {"d": doctor})
    async with db.begin() as conn:  # a closed ticket frees the patient's place in the line
        await conn.execute(insert, {"id": uuid.uuid4(), **row, "n": 92, "st": "served"})
