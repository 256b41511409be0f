"""Consumed events (check-ins, cancellations, no-shows, bookings, auth's users) and the
turn-approaching notice, crossed once per ticket."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import timedelta
from types import SimpleNamespace

import pytest

from hms_contracts.appointments import (
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentCompleted,
    AppointmentNoShow,
    PatientCheckedIn,
)
from hms_contracts.auth import UserDeactivated, UserRegistered, UserUpdated
from hms_queue.domain import errors as exc
from hms_queue.domain.policy import Policy
from hms_queue.service_layer import commands as c


def checked_in(w: SimpleNamespace, doctor: uuid.UUID, urgency: int = 3,
               by: uuid.UUID | None = None) -> PatientCheckedIn:
    return PatientCheckedIn(appointment_id=uuid.uuid4(), patient_id=uuid.uuid4(),
                            doctor_id=doctor, urgency=urgency, arrived_at=w.clock.now(),
                            checked_in_by=by)


async def test_a_check_in_opens_one_ticket_however_often_it_arrives(world) -> None:
    doctor = world.person("doctor")
    desk = uuid.uuid4()
    event = checked_in(world, doctor, urgency=2, by=desk)
    for _ in range(3):
        await handle(world, event)
    (ticket,) = world.store.tickets.rows.values()
    assert (ticket.appointment_id, ticket.urgency, ticket.source) == (
        event.appointment_id, 2, "check_in")
    assert world.names().count("ticket_issued") == 1
    # issued by whoever checked the patient in (an older event without it: the patient)
    assert world.payloads("ticket_issued")[0]["issued_by"] == str(desk)


async def handle(w: SimpleNamespace, event: object) -> None:
    uow = w.bus.uow_factory()
    async with uow:
        await w.bus.handle(event, uow=uow)
        await uow.commit()


async def arrivals(w: SimpleNamespace, doctor: uuid.UUID, count: int) -> list[PatientCheckedIn]:
    """``count`` check-ins in ``doctor``'s line, handled a second apart."""
    events = []
    for _ in range(count):
        events.append(checked_in(w, doctor))
        await handle(w, events[-1])
        w.clock.advance(seconds=1)
    return events


async def test_a_late_check_in_event_keeps_the_patients_place(world) -> None:
    doctor = world.person("doctor")
    early = checked_in(world, doctor)  # arrived at the desk now...
    world.clock.advance(minutes=5)
    await handle(world, checked_in(world, doctor))  # ...but this one's event came first
    await handle(world, early)
    line = await world.bus.handle(c.GetLine(world.desk, doctor))
    first = line.waiting[0].ticket
    assert (first.appointment_id, first.arrived_at) == (early.appointment_id, early.arrived_at)
    assert [v.ticket.number for v in line.waiting] == [2, 1]  # numbered as they came in


async def test_cancellation_and_no_show_withdraw_the_ticket(world) -> None:
    doctor = world.person("doctor")
    first, second = await arrivals(world, doctor, 2)
    await handle(world, AppointmentCancelled(
        appointment_id=first.appointment_id, patient_id=first.patient_id, doctor_id=doctor,
        cancelled_by=uuid.uuid4(), late=False))
    await handle(world, AppointmentNoShow(
        appointment_id=second.appointment_id, patient_id=second.patient_id, doctor_id=doctor,
        start=world.clock.now(), marked_by="scheduler"))
    assert {t.status for t in world.store.tickets.rows.values()} == {"cancelled"}
    assert world.names().count("ticket_cancelled") == 2
    # withdrawn by the queue itself, not by a person
    assert [p["closed_by"] for p in world.payloads("ticket_cancelled")] == [None, None]
    await handle(world, AppointmentCancelled(  # unknown appointment: nothing to do
        appointment_id=uuid.uuid4(), patient_id=uuid.uuid4(), doctor_id=doctor,
        cancelled_by=uuid.uuid4(), late=True))


async def test_a_cancellation_before_its_check_in_opens_no_ticket(world) -> None:
    doctor = world.person("doctor")
    late = checked_in(world, doctor)
    await handle(world, AppointmentCancelled(
        appointment_id=late.appointment_id, patient_id=late.patient_id, doctor_id=doctor,
        cancelled_by=uuid.uuid4(), late=False))
    await handle(world, late)  # delivered out of order
    assert world.store.tickets.rows == {}
    other = checked_in(world, doctor)
    await handle(world, other)
    assert len(world.store.tickets.rows) == 1


async def test_an_inactive_doctors_line_takes_no_check_ins(world) -> None:
    doctor = world.person("doctor")
    await handle(world, UserDeactivated(user_id=doctor))
    await handle(world, checked_in(world, doctor))
    assert world.store.tickets.rows == {}


async def test_directory_and_slot_length_from_events(world) -> None:
    doctor = uuid.uuid4()
    await handle(world, UserRegistered(user_id=doctor, role="doctor", full_name="Dr X", room="4"))
    await handle(world, UserUpdated(user_id=doctor, changed=["room"], room="9"))
    start = world.clock.now()
    await handle(world, AppointmentBooked(
        appointment_id=uuid.uuid4(), patient_id=uuid.uuid4(), doctor_id=doctor, start=start,
        end=start + timedelta(minutes=25), urgency=3, booked_by=uuid.uuid4()))
    person = world.store.people[doctor]
    assert (person.role, person.room, person.slot_minutes, person.active) == (
        "doctor", "9", 25, True)


async def test_turn_approaching_once_per_ticket_even_on_jumps(world_factory) -> None:
    w = world_factory(Policy(turn_threshold=2))
    doctor = w.person("doctor")
    me = w.doctor_actor(doctor)
    views = []
    for _ in range(7):
        views.append(await w.bus.handle(c.IssueTicket(w.desk, w.person("patient"), doctor, 4)))
        w.clock.advance(seconds=1)
    told = [p["ticket_id"] for p in w.payloads("turn_approaching")]
    assert told == [str(v.ticket.id) for v in views[:3]]  # 0, 1 and 2 ahead on arrival
    # the last one jumps from 6 ahead to none ahead: told once, with 0 ahead
    await w.bus.handle(c.UpdateTicket(w.desk, views[6].ticket.id, urgency=1))
    assert w.payloads("turn_approaching")[-1]["people_ahead"] == 0
    # two ahead leave at once for ticket 4 (3 ahead -> 1): told once
    await w.bus.handle(c.LeaveTicket(w.desk, views[0].ticket.id))
    await w.bus.handle(c.LeaveTicket(w.desk, views[1].ticket.id))
    while True:
        try:
            ticket = await w.bus.handle(c.CallNext(me, doctor))
        except exc.LineEmpty:
            break
        await w.bus.handle(c.ServeTicket(me, ticket.id))
    counts = Counter(p["ticket_id"] for p in w.payloads("turn_approaching"))
    assert set(counts.values()) == {1} and len(counts) == 7


def completed(w: SimpleNamespace, event: PatientCheckedIn) -> AppointmentCompleted:
    return AppointmentCompleted(appointment_id=event.appointment_id,
                                patient_id=event.patient_id, doctor_id=event.doctor_id,
                                completed_at=w.clock.now())


async def test_completing_the_appointment_serves_its_called_ticket_once(world) -> None:
    doctor = world.person("doctor", slot_minutes=20)
    me = world.doctor_actor(doctor)
    event = checked_in(world, doctor)
    await handle(world, event)
    world.clock.advance(seconds=1)
    await handle(world, checked_in(world, doctor))
    ticket = await world.bus.handle(c.CallNext(me, doctor))
    assert ticket.appointment_id == event.appointment_id
    world.clock.advance(minutes=10)
    for _ in range(2):  # a duplicate (another event id) changes nothing
        await handle(world, completed(world, event))
    row = world.store.tickets.rows[ticket.id]
    assert (row.status, row.closed_at) == ("served", world.clock.now())
    served = world.payloads("patient_served")
    assert [(p["ticket_id"], p["service_seconds"]) for p in served] == [(str(ticket.id), 600)]
    assert [(h.action, h.by) for h in world.store.tickets.history[ticket.id]][-1] == (
        "served", doctor)
    assert world.store.people[doctor].service_seconds == pytest.approx(0.3 * 600 + 0.7 * 1200)
    assert doctor in world.store.changed_lines  # screens and streams hear it
    # the doctor may call the next patient at once
    assert (await world.bus.handle(c.CallNext(me, doctor))).status == "called"


@pytest.mark.parametrize("state", ["waiting", "missed", "served", "cancelled", "none"])
async def test_a_completion_leaves_a_ticket_not_called_alone(world, state: str) -> None:
    doctor = world.person("doctor")
    me = world.doctor_actor(doctor)
    event = checked_in(world, doctor)
    if state != "none":
        await handle(world, event)
    ticket = next(iter(world.store.tickets.rows.values()), None)
    if state in ("missed", "served"):
        for _ in range(2 if state == "missed" else 1):
            await world.bus.handle(c.CallNext(me, doctor))
            if state == "missed":
                await world.bus.handle(c.MissTicket(me, ticket.id))
            else:
                await world.bus.handle(c.ServeTicket(me, ticket.id))
    elif state == "cancelled":
        await world.bus.handle(c.LeaveTicket(world.desk, ticket.id))
    before = (dict(world.store.tickets.rows), len(world.store.published))
    world.clock.advance(minutes=5)
    await handle(world, completed(world, event))
    assert len(world.store.published) == before[1]
    for ticket_id, row in before[0].items():
        now = world.store.tickets.rows[ticket_id]
        assert (now.status, now.closed_at) == (row.status, row.closed_at)
    if state == "none":  # its check-in, arriving later, opens no ticket: the visit is over
        await handle(world, event)
        assert world.store.tickets.rows == {}


async def test_serving_says_whether_the_appointment_still_needs_completing(world) -> None:
    doctor = world.person("doctor")
    me = world.doctor_actor(doctor)
    first, second = await arrivals(world, doctor, 2)
    await walk_in_and_leave_none(world, doctor)
    ticket = await world.bus.handle(c.CallNext(me, doctor))
    done = await world.bus.handle(c.ServeTicket(me, ticket.id))
    assert (done.ticket.appointment_id, done.appointment_to_complete) == (
        first.appointment_id, True)
    await handle(world, completed(world, second))  # completed while still waiting
    ticket = await world.bus.handle(c.CallNext(me, doctor))
    assert ticket.appointment_id == second.appointment_id
    done = await world.bus.handle(c.ServeTicket(me, ticket.id))
    assert done.appointment_to_complete is False
    ticket = await world.bus.handle(c.CallNext(me, doctor))  # the walk-in
    done = await world.bus.handle(c.ServeTicket(me, ticket.id))
    assert (done.ticket.appointment_id, done.appointment_to_complete) == (None, False)


async def walk_in_and_leave_none(w: SimpleNamespace, doctor: uuid.UUID) -> None:
    await w.bus.handle(c.IssueTicket(w.desk, w.person("patient"), doctor, 3))
    w.clock.advance(seconds=1)
