"""The doctor's side: call the next ticket, serve it, or mark it missed."""

from __future__ import annotations

import uuid
from datetime import datetime

import structlog

from hms_platform.clock import Clock
from hms_queue.domain import errors as exc
from hms_queue.domain.directory import Person
from hms_queue.domain.estimate import seed_seconds, updated_average
from hms_queue.domain.policy import Policy
from hms_queue.domain.ticket import Ticket
from hms_queue.service_layer import access
from hms_queue.service_layer.commands import CallNext, MissTicket, Served, ServeTicket
from hms_queue.service_layer.handlers.line import line_changed
from hms_queue.service_layer.last_write import move_wins, settle, write_of
from hms_queue.service_layer.ports import UnitOfWork

log = structlog.get_logger(__name__)


async def call_next(cmd: CallNext, uow: UnitOfWork, clock: Clock, policy: Policy) -> Ticket:
    """Atomic: the line's lock makes concurrent calls take turns, so no ticket is called twice,
    and the database keeps at most one called ticket per doctor whatever the application does."""
    access.authorize(cmd, action="call patients")
    if cmd.actor.user_id != cmd.doctor_id:
        raise exc.NotYourLine("A doctor calls their own line only.")
    now = clock.now()
    day = policy.clinic_day(now)
    async with uow:
        await uow.tickets.lock_line(cmd.doctor_id)
        busy = await uow.tickets.called(cmd.doctor_id)
        if busy is not None:
            raise exc.DoctorBusy(busy.id)
        heads = await uow.tickets.in_order(cmd.doctor_id, day, now, policy.aging_minutes, 1)
        if not heads:
            raise exc.LineEmpty("Nobody is waiting in your line.")
        ticket = heads[0]
        doctor = await uow.people.get(cmd.doctor_id)
        ticket.call(now, cmd.actor.user_id, (doctor.room if doctor else None) or "")
        settle(ticket, write_of(cmd.actor, None, now, policy), ["status"], True)
        await uow.tickets.save(ticket)
        await line_changed(uow, cmd.doctor_id, day, now, policy)
        await uow.commit()
    log.info("queue.patient_called", ticket_id=str(ticket.id), number=ticket.label)
    return ticket


async def serve_ticket(cmd: ServeTicket, uow: UnitOfWork, clock: Clock, policy: Policy) -> Served:
    """Served; the answer says whether the ticket's appointment still needs completing (its
    diagnosis and treatment recorded in appointments): the queue has not heard it was."""
    access.authorize(cmd, action="serve patients")
    now = clock.now()
    write = write_of(cmd.actor, cmd.client_updated_at, now, policy)
    async with uow:
        ticket = await access.load_for_change(uow, cmd.actor, cmd.ticket_id)
        if move_wins(ticket, write, lambda t: t.serve(now, cmd.actor.user_id)):
            await serve(uow, ticket, now, cmd.actor.user_id, policy)
        pending = (ticket.appointment_id is not None
                   and not await uow.tickets.appointment_closed(ticket.appointment_id))
        await uow.commit()
    log.info("queue.patient_served", ticket_id=str(ticket.id))
    return Served(ticket, appointment_to_complete=pending)


async def serve(uow: UnitOfWork, ticket: Ticket, now: datetime, by: uuid.UUID,
                policy: Policy) -> None:
    """Serve a called ticket whose line is locked: the visit feeds the doctor's average."""
    service = ticket.serve(now, by)
    doctor = await uow.people.get(ticket.doctor_id, for_update=True) or Person(
        ticket.doctor_id, None)
    current = doctor.service_seconds or seed_seconds(doctor.slot_minutes,
                                                     policy.default_service_minutes)
    doctor.service_seconds = updated_average(current, service, policy.ewma_alpha)
    await uow.people.save(doctor)
    await uow.tickets.save(ticket)
    await line_changed(uow, ticket.doctor_id, ticket.clinic_day, now, policy)


async def miss_ticket(cmd: MissTicket, uow: UnitOfWork, clock: Clock, policy: Policy) -> Ticket:
    access.authorize(cmd, action="mark tickets missed")
    now = clock.now()
    write = write_of(cmd.actor, cmd.client_updated_at, now, policy)
    async with uow:
        ticket = await access.load_for_change(uow, cmd.actor, cmd.ticket_id)
        if move_wins(ticket, write, lambda t: t.miss(now, cmd.actor.user_id)):
            ticket.miss(now, cmd.actor.user_id)
            await uow.tickets.save(ticket)
            await line_changed(uow, ticket.doctor_id, ticket.clinic_day, now, policy)
            await uow.commit()
    log.info("queue.ticket_missed", ticket_id=str(ticket.id), status=ticket.status)
    return ticket
