"""Tickets at the desk: walk-ins, urgency changes and transfers, leaving the line."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime

import structlog

from hms_platform.clock import Clock
from hms_queue.domain import errors as exc
from hms_queue.domain.actor import Actor
from hms_queue.domain.policy import Policy
from hms_queue.domain.ticket import Source, Ticket, check_urgency
from hms_queue.service_layer import access
from hms_queue.service_layer.commands import IssueTicket, LeaveTicket, TicketView, UpdateTicket
from hms_queue.service_layer.handlers import directory
from hms_queue.service_layer.handlers.line import Estimator, line_changed, view
from hms_queue.service_layer.last_write import move_wins, settle, write_of
from hms_queue.service_layer.ports import UnitOfWork

log = structlog.get_logger(__name__)
PATIENT_POLL_SECONDS = 0.1


async def require_open_line(uow: UnitOfWork, doctor_id: uuid.UUID) -> None:
    doctor = await uow.people.get(doctor_id)
    if doctor is None or not doctor.is_doctor:
        raise exc.DoctorNotFound("No such doctor.")
    if not doctor.active:
        raise exc.DoctorUnavailable("The doctor is not active: their line takes no tickets.")


async def open_ticket(uow: UnitOfWork, *, doctor_id: uuid.UUID, patient_id: uuid.UUID,
                      urgency: int, source: Source, by: uuid.UUID, policy: Policy,
                      clock: Clock, appointment_id: uuid.UUID | None = None,
                      arrived_at: datetime | None = None,
                      ticket_id: uuid.UUID | None = None,
                      estimator: Estimator | None = None) -> TicketView:
    """Number, insert and announce a ticket in today's line, inside the caller's ``uow``,
    which holds the line's lock (``lock_line``). ``arrived_at`` (a check-in's time at the
    desk) places it in the line by when the patient came, not by when the event got here;
    never later than now. ``estimator``: the line's, if the caller read it under the lock."""
    now = clock.now()
    day = policy.clinic_day(now)
    joined = min(arrived_at, now) if arrived_at is not None else now
    check_urgency(urgency)
    letter, number = await uow.tickets.next_number(doctor_id, day)
    ticket = Ticket.issue(doctor_id=doctor_id, clinic_day=day, letter=letter, number=number,
                          patient_id=patient_id, urgency=urgency, source=source, now=joined,
                          by=by, appointment_id=appointment_id, ticket_id=ticket_id)
    ahead, heads = await uow.tickets.add_in_line(ticket, now, policy.aging_minutes,
                                                 policy.turn_threshold + 1)
    estimator = estimator or await Estimator.load(uow, doctor_id, now, policy)
    eta = estimator.eta(ahead)
    ticket.issued(ahead + 1, eta, by)
    await line_changed(uow, doctor_id, day, now, policy, estimator, heads)
    return TicketView(ticket, ahead + 1, ahead, eta)


async def issue_ticket(cmd: IssueTicket, uow: UnitOfWork, clock: Clock,
                       policy: Policy) -> TicketView:
    access.authorize(cmd, action="register walk-ins")
    if cmd.vouched_name is None:
        await wait_for_patient(uow, cmd.patient_id, policy)
    async with uow:
        if cmd.ticket_id is not None and await uow.tickets.get(cmd.ticket_id) is not None:
            raise exc.TicketExists("A ticket with that id exists.")
        if cmd.vouched_name is not None:
            await directory.vouched_patient(uow, cmd.patient_id, cmd.vouched_name)
        patient = await uow.people.get(cmd.patient_id)
        if patient is None or not patient.is_patient:
            raise exc.PatientNotFound("No such patient.")
        await require_open_line(uow, cmd.doctor_id)
        await uow.tickets.lock_line(cmd.doctor_id)
        where = await open_ticket(uow, doctor_id=cmd.doctor_id, patient_id=cmd.patient_id,
                                  urgency=cmd.urgency, source="walk_in", by=cmd.actor.user_id,
                                  policy=policy, clock=clock, ticket_id=cmd.ticket_id)
        await uow.commit()
    log.info("queue.ticket_issued", ticket_id=str(where.ticket.id), source="walk_in")
    return where


async def update_ticket(cmd: UpdateTicket, uow: UnitOfWork, clock: Clock,
                        policy: Policy) -> TicketView:
    access.authorize(cmd, action="change tickets")
    if cmd.urgency is None and cmd.doctor_id is None:
        raise exc.InvalidRequest("Give an urgency, a doctor_id, or both.")
    now = clock.now()
    write = write_of(cmd.actor, cmd.client_updated_at, now, policy)
    async with uow:
        target = cmd.doctor_id
        if target is not None:
            await require_open_line(uow, target)
        ticket = await access.load_for_change(uow, cmd.actor, cmd.ticket_id,
                                              *([target] if target else []))
        asked = {"urgency": cmd.urgency, "doctor_id": target}
        winners = [name for name, value in asked.items()
                   if value is not None and write.may_write(ticket.field_times, name)]
        if not winners:  # every field lost to a later or a staff write: nothing changes
            if ticket.status != "waiting":
                raise exc.IllegalTransition("change", ticket.status)
            settle(ticket, write, [], applied=False)
            return await view(uow, ticket, now, policy)
        old_doctor, day = ticket.doctor_id, ticket.clinic_day
        if "urgency" in winners and cmd.urgency != ticket.urgency:
            ticket.change_urgency(cmd.urgency or 0, now, cmd.actor)
        if target is not None and "doctor_id" in winners and target != ticket.doctor_id:
            await transfer(uow, ticket, target, cmd.actor, policy, clock)
        settle(ticket, write, winners, applied=True)
        await uow.tickets.save(ticket)
        await line_changed(uow, old_doctor, day, now, policy)
        if ticket.doctor_id != old_doctor:
            await line_changed(uow, ticket.doctor_id, ticket.clinic_day, now, policy)
        where = await view(uow, ticket, now, policy)
        await uow.commit()
    log.info("queue.ticket_changed", ticket_id=str(ticket.id))
    return where


async def transfer(uow: UnitOfWork, ticket: Ticket, doctor_id: uuid.UUID, actor: Actor,
                   policy: Policy, clock: Clock) -> None:
    now = clock.now()
    day = policy.clinic_day(now)
    letter, number = await uow.tickets.next_number(doctor_id, day)
    ticket.transfer(doctor_id, day, letter, number, now, actor)


async def leave_ticket(cmd: LeaveTicket, uow: UnitOfWork, clock: Clock, policy: Policy) -> Ticket:
    access.authorize(cmd, action="take tickets out of the line")
    now = clock.now()
    write = write_of(cmd.actor, cmd.client_updated_at, now, policy)
    async with uow:
        ticket = await access.load_for_change(uow, cmd.actor, cmd.ticket_id)
        if move_wins(ticket, write, lambda t: t.cancel(now, cmd.actor.user_id, "left")):
            ticket.cancel(now, cmd.actor.user_id, "left")
            await uow.tickets.save(ticket)
            await line_changed(uow, ticket.doctor_id, ticket.clinic_day, now, policy)
            await uow.commit()
    log.info("queue.ticket_left", ticket_id=str(ticket.id))
    return ticket


async def wait_for_patient(uow: UnitOfWork, patient_id: uuid.UUID, policy: Policy) -> None:
    """A patient the desk has just registered may not have reached the queue yet (auth's event
    is on its way): look again, for at most ``policy.patient_wait_seconds``, before the 404."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + policy.patient_wait_seconds
    while True:
        async with uow:
            patient = await uow.people.get(patient_id)
        if (patient is not None and patient.is_patient) or loop.time() >= deadline:
            return
        await asyncio.sleep(min(PATIENT_POLL_SECONDS, max(0.0, deadline - loop.time())))
