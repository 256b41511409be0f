"""The use cases over in-memory fakes: walk-ins, calling, serving, missing, leaving, changes,
and who may do what."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest

from hms_queue.domain import errors as exc
from hms_queue.domain.actor import Actor
from hms_queue.service_layer import commands as c


async def walk_in(w: SimpleNamespace, doctor: uuid.UUID, urgency: int = 3,
                  patient: uuid.UUID | None = None) -> c.TicketView:
    view = await w.bus.handle(c.IssueTicket(w.desk, patient or w.person("patient"), doctor,
                                            urgency))
    w.clock.advance(seconds=1)  # arrivals a second apart: FIFO is visible
    return view


async def test_walk_ins_get_numbers_positions_and_estimates(world: SimpleNamespace) -> None:
    doctor = world.person("doctor", room="7", slot_minutes=20)
    first = await walk_in(world, doctor)
    second = await walk_in(world, doctor)
    assert (first.ticket.label, first.position, first.people_ahead, first.eta_minutes) == (
        "A-001", 1, 0, 0)
    assert (second.ticket.label, second.position, second.eta_minutes) == ("A-002", 2, 20)
    other = await walk_in(world, world.person("doctor"))
    assert other.ticket.label == "B-001"  # the day's second line
    issued = world.payloads("ticket_issued")
    assert [(p["number"], p["position"], p["source"]) for p in issued] == [
        (1, 1, "walk_in"), (2, 2, "walk_in"), (1, 1, "walk_in")]
    assert {p["issued_by"] for p in issued} == {str(world.desk.user_id)}


@pytest.mark.parametrize(("who", "error"), [
    ("unknown_patient", exc.PatientNotFound), ("unknown_doctor", exc.DoctorNotFound),
    ("doctor_as_patient", exc.PatientNotFound), ("inactive_doctor", exc.DoctorUnavailable),
])
async def test_walk_in_refusals(world: SimpleNamespace, who: str, error: type) -> None:
    patient, doctor = world.person("patient"), world.person("doctor")
    if who == "unknown_patient":
        patient = uuid.uuid4()
    elif who == "unknown_doctor":
        doctor = uuid.uuid4()
    elif who == "doctor_as_patient":
        patient = world.person("doctor")
    else:
        doctor = world.person("doctor", active=False)
    with pytest.raises(error):
        await world.bus.handle(c.IssueTicket(world.desk, patient, doctor, 3))
    assert world.store.tickets.rows == {}


@pytest.mark.parametrize("urgency", [0, 6])
async def test_urgency_out_of_range_is_refused(world: SimpleNamespace, urgency: int) -> None:
    with pytest.raises(exc.InvalidUrgency):
        await walk_in(world, world.person("doctor"), urgency)


async def test_one_active_ticket_per_patient_per_line(world: SimpleNamespace) -> None:
    doctor, patient = world.person("doctor"), world.person("patient")
    await walk_in(world, doctor, patient=patient)
    with pytest.raises(exc.AlreadyQueued):
        await walk_in(world, doctor, patient=patient)
    await walk_in(world, world.person("doctor"), patient=patient)  # another line: fine
    assert len(world.store.tickets.rows) == 2


async def test_call_next_follows_urgency_then_arrival_with_aging(world: SimpleNamespace) -> None:
    doctor = world.person("doctor", room="3")
    me = world.doctor_actor(doctor)
    routine = await walk_in(world, doctor, 5)
    world.clock.advance(minutes=31)  # routine has aged to 4
    later = await walk_in(world, doctor, 4)
    urgent = await walk_in(world, doctor, 1)
    order = []
    for _ in range(3):
        ticket = await world.bus.handle(c.CallNext(me, doctor))
        order.append(ticket.id)
        await world.bus.handle(c.ServeTicket(me, ticket.id))
    assert order == [urgent.ticket.id, routine.ticket.id, later.ticket.id]
    assert world.payloads("patient_called")[0]["room"] == "3"
    with pytest.raises(exc.LineEmpty):
        await world.bus.handle(c.CallNext(me, doctor))


async def test_one_called_ticket_per_doctor_and_own_line_only(world: SimpleNamespace) -> None:
    doctor, other = world.person("doctor"), world.person("doctor")
    await walk_in(world, doctor)
    await walk_in(world, doctor)
    called = await world.bus.handle(c.CallNext(world.doctor_actor(doctor), doctor))
    with pytest.raises(exc.DoctorBusy) as busy:
        await world.bus.handle(c.CallNext(world.doctor_actor(doctor), doctor))
    assert busy.value.problem_extra == {"called_ticket_id": str(called.id)}
    with pytest.raises(exc.NotYourLine):
        await world.bus.handle(c.CallNext(world.doctor_actor(other), doctor))
    with pytest.raises(exc.TicketNotFound):  # another line's ticket is not theirs to see
        await world.bus.handle(c.ServeTicket(world.doctor_actor(other), called.id))
    with pytest.raises(exc.NotAllowed):
        await world.bus.handle(c.CallNext(world.desk, doctor))


async def test_serving_a_ticket_not_called_is_a_conflict(world: SimpleNamespace) -> None:
    doctor = world.person("doctor")
    view = await walk_in(world, doctor)
    with pytest.raises(exc.IllegalTransition):
        await world.bus.handle(c.ServeTicket(world.doctor_actor(doctor), view.ticket.id))


async def test_serving_feeds_the_doctors_average(world: SimpleNamespace) -> None:
    doctor = world.person("doctor", slot_minutes=20)
    me = world.doctor_actor(doctor)
    for _ in range(3):
        await walk_in(world, doctor)
    ticket = await world.bus.handle(c.CallNext(me, doctor))
    world.clock.advance(minutes=10)
    await world.bus.handle(c.ServeTicket(me, ticket.id))
    assert world.store.people[doctor].service_seconds == pytest.approx(0.3 * 600 + 0.7 * 1200)
    line = await world.bus.handle(c.GetLine(me, doctor))
    assert [(v.position, v.eta_minutes) for v in line.waiting] == [(1, 0), (2, 17)]
    served = world.payloads("patient_served")[0]
    assert (served["service_seconds"], served["waited_seconds"]) == (600, 3)


async def test_missed_once_goes_to_the_back_then_is_missed(world: SimpleNamespace) -> None:
    doctor = world.person("doctor")
    me = world.doctor_actor(doctor)
    first = await walk_in(world, doctor)
    second = await walk_in(world, doctor)
    await world.bus.handle(c.CallNext(me, doctor))
    world.clock.advance(minutes=1)
    await world.bus.handle(c.MissTicket(me, first.ticket.id))
    assert (await world.bus.handle(c.CallNext(me, doctor))).id == second.ticket.id
    await world.bus.handle(c.ServeTicket(me, second.ticket.id))
    assert (await world.bus.handle(c.CallNext(me, doctor))).id == first.ticket.id
    missed = await world.bus.handle(c.MissTicket(world.desk, first.ticket.id))
    assert missed.status == "missed"
    assert [p["closed_by"] for p in world.payloads("ticket_missed")] == [
        str(world.desk.user_id)]
    actions = [h.action for h in world.store.tickets.history[first.ticket.id]]
    assert actions == ["issued", "called", "requeued", "called", "missed"]


async def test_leaving_is_for_the_owner_or_the_desk(world: SimpleNamespace) -> None:
    doctor, owner = world.person("doctor"), world.person("patient")
    view = await walk_in(world, doctor, patient=owner)
    stranger = Actor(world.person("patient"), "patient")
    with pytest.raises(exc.TicketNotFound):
        await world.bus.handle(c.LeaveTicket(stranger, view.ticket.id))
    with pytest.raises(exc.TicketNotFound):
        await world.bus.handle(c.GetTicket(stranger, view.ticket.id))
    left = await world.bus.handle(c.LeaveTicket(world.patient_actor(owner), view.ticket.id))
    assert left.status == "cancelled" and world.names()[-1] == "ticket_cancelled"
    assert world.payloads("ticket_cancelled")[-1]["closed_by"] == str(owner)
    assert await world.bus.handle(c.MyTickets(world.patient_actor(owner))) == []


async def test_urgency_change_and_transfer_keep_history(world: SimpleNamespace) -> None:
    doctor, other = world.person("doctor"), world.person("doctor")
    first = await walk_in(world, doctor, 5)
    view = await world.bus.handle(c.UpdateTicket(world.desk, first.ticket.id, urgency=2,
                                                 doctor_id=other))
    assert (view.ticket.doctor_id, view.ticket.urgency, view.ticket.label) == (other, 2, "B-001")
    changes = world.payloads("ticket_changed")
    assert [(p["urgency"], p["doctor_id"]) for p in changes] == [(2, None), (None, str(other))]
    actions = [(h.action, h.by) for h in world.store.tickets.history[first.ticket.id]]
    assert actions[1:] == [("urgency_changed", world.desk.user_id),
                           ("transferred", world.desk.user_id)]
    with pytest.raises(exc.InvalidUrgency):
        await world.bus.handle(c.UpdateTicket(world.desk, first.ticket.id, urgency=0))
    with pytest.raises(exc.DoctorNotFound):
        await world.bus.handle(c.UpdateTicket(world.desk, first.ticket.id,
                                              doctor_id=uuid.uuid4()))


async def test_lines_are_read_by_their_doctor_and_staff(world: SimpleNamespace) -> None:
    doctor, other = world.person("doctor"), world.person("doctor")
    await walk_in(world, doctor)
    assert (await world.bus.handle(c.GetLine(world.desk, doctor))).total_waiting == 1
    with pytest.raises(exc.NotYourLine):
        await world.bus.handle(c.GetLine(world.doctor_actor(other), doctor))
