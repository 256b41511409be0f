"""Reading tickets and lines; positions and estimates are computed as of the clock's now."""

from __future__ import annotations

import uuid
from dataclasses import replace

from hms_platform.clock import Clock
from hms_queue.domain.policy import Policy
from hms_queue.service_layer import access
from hms_queue.service_layer.commands import (
    GetLine,
    GetTicket,
    LineSnapshot,
    LineView,
    MyTickets,
    TicketView,
)
from hms_queue.service_layer.handlers.line import Estimator, view
from hms_queue.service_layer.ports import UnitOfWork


async def get_ticket(cmd: GetTicket, uow: UnitOfWork, clock: Clock, policy: Policy) -> TicketView:
    access.authorize(cmd, action="read tickets")
    async with uow:
        ticket = await access.load_visible(uow, cmd.actor, cmd.ticket_id)
        return await view(uow, ticket, clock.now(), policy)


async def my_tickets(cmd: MyTickets, uow: UnitOfWork, clock: Clock,
                     policy: Policy) -> list[TicketView]:
    access.authorize(cmd, action="list their tickets")
    now = clock.now()
    async with uow:
        tickets = await uow.tickets.active_for_patient(cmd.actor.user_id)
        return [await view(uow, t, now, policy) for t in tickets]


async def read_line(uow: UnitOfWork, doctor_id: uuid.UUID, clock: Clock, policy: Policy,
                    limit: int, offset: int = 0) -> LineView:
    now = clock.now()
    day = policy.clinic_day(now)
    async with uow:
        waiting = await uow.tickets.in_order(doctor_id, day, now, policy.aging_minutes,
                                             limit, offset)
        estimator = await Estimator.load(uow, doctor_id, now, policy)
        doctor = await uow.people.get(doctor_id)
        views = [TicketView(t, offset + i + 1, offset + i, estimator.eta(offset + i))
                 for i, t in enumerate(waiting)]
        return LineView(doctor_id, day, doctor.room if doctor else None,
                        await uow.tickets.called(doctor_id), views,
                        await uow.tickets.count_waiting(doctor_id, day),
                        doctor_name=doctor.full_name if doctor else None)


async def get_line(cmd: GetLine, uow: UnitOfWork, clock: Clock, policy: Policy) -> LineView:
    access.authorize(cmd, action="read lines")
    access.require_own_line(cmd.actor, cmd.doctor_id)
    line = await read_line(uow, cmd.doctor_id, clock, policy, cmd.limit, cmd.offset)
    # Names for the doctor and staff reading the line (never in a screen's snapshot).
    shown = [t.patient_id for t in ([line.called] if line.called else [])]
    shown += [w.ticket.patient_id for w in line.waiting]
    async with uow:
        names = await uow.people.names(shown)
    return replace(line, names=names)


async def line_snapshot(cmd: LineSnapshot, uow: UnitOfWork, clock: Clock,
                        policy: Policy) -> LineView:
    return await read_line(uow, cmd.doctor_id, clock, policy, policy.line_preview)
