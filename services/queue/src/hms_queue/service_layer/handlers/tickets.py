"""Tickets at the desk: walk-ins, urgency changes and transfers, leaving the line."""

from __future__ import annotations

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
from hms_queue.service_layer.handlers.line import line_changed, view
from hms_queue.service_layer.ports import UnitOfWork

log = structlog.get_logger(__name__)


async def require_open_line(uow: UnitOfWork, doctor_id: uuid.UUID) -> None:
    doctor = await uow.people.get(doctor_id)
    if doctor is None or not doctor.is_doctor:
        raise exc.DoctorNotFound("No such doctor.")
    if not doctor.active:
        raise exc.DoctorUnavailable("The doctor is not active: their line takes no tickets.")


async def open_ticket(uow: UnitOfWork, *, doctor_id: uuid.UUID, patient_id: uuid.UUID,
                      urgency: int, source: Source, by: uuid.UUID, policy: Policy,
                      clock: Clock, appointment_id: uuid.UUID | None = None,
                      arrived_at: datetime | None = None) -> TicketView:
    """Number, insert and announce a ticket in today's line, inside the caller's ``uow``.
    ``arrived_at`` (a check-in's time at the desk) places it in the line by when the patient
    came, not by when the event got here; never later than now."""
    now = clock.now()
    day = policy.clinic_day(now)
    joined = min(arrived_at, now) if arrived_at is not None else now
    check_urgency(urgency)
    await uow.tickets.lock_line(doctor_id)
    letter, number = await uow.tickets.next_number(doctor_id, day)
    ticket = Ticket.issue(doctor_id=doctor_id, clinic_day=day, letter=letter, number=number,
                          patient_id=patient_id, urgency=urgency, source=source, now=joined,
                          by=by, appointment_id=appointment_id)
    await uow.tickets.add(ticket)
    where = await view(uow, ticket, now, policy)
    ticket.issued(where.position or 0, where.eta_minutes or 0, by)
    await line_changed(uow, doctor_id, day, now, policy)
    return where


async def issue_ticket(cmd: IssueTicket, uow: UnitOfWork, clock: Clock,
                       policy: Policy) -> TicketView:
    access.authorize(cmd, action="register walk-ins")
    async with uow:
        patient = await uow.people.get(cmd.patient_id)
        if patient is None or not patient.is_patient:
            raise exc.PatientNotFound("No such patient.")
        await require_open_line(uow, cmd.doctor_id)
        where = await open_ticket(uow, doctor_id=cmd.doctor_id, patient_id=cmd.patient_id,
                                  urgency=cmd.urgency, source="walk_in", by=cmd.actor.user_id,
                                  policy=policy, clock=clock)
        await uow.commit()
    log.info("queue.ticket_issued", ticket_id=str(where.ticket.id), source="walk_in")
    return where


async def update_ticket(cmd: UpdateTicket, uow: UnitOfWork, clock: Clock,
                        policy: Policy) -> TicketView:
    access.authorize(cmd, action="change tickets")
    if cmd.urgency is None and cmd.doctor_id is None:
        raise exc.InvalidRequest("Give an urgency, a doctor_id, or both.")
    now = clock.now()
    async with uow:
        target = cmd.doctor_id
        if target is not None:
            await require_open_line(uow, target)
        ticket = await access.load_for_change(uow, cmd.actor, cmd.ticket_id,
                                              *([target] if target else []))
        old_doctor, day = ticket.doctor_id, ticket.clinic_day
        if cmd.urgency is not None and cmd.urgency != ticket.urgency:
            ticket.change_urgency(cmd.urgency, now, cmd.actor)
        if target is not None and target != ticket.doctor_id:
            await transfer(uow, ticket, target, cmd.actor, policy, clock)
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
    async with uow:
        ticket = await access.load_for_change(uow, cmd.actor, cmd.ticket_id)
        ticket.cancel(now, cmd.actor.user_id, "left")
        await uow.tickets.save(ticket)
        await line_changed(uow, ticket.doctor_id, ticket.clinic_day, now, policy)
        await uow.commit()
    log.info("queue.ticket_left", ticket_id=str(ticket.id))
    return ticket
