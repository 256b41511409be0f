"""Tickets: walk-ins, reading, serving, missing, changing and leaving."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends

from hms_platform.auth import get_principal
from hms_queue.domain.actor import Actor
from hms_queue.entrypoints.api import PREFIX, views
from hms_queue.entrypoints.api import schemas as s
from hms_queue.entrypoints.api.deps import Bus, caller
from hms_queue.service_layer import commands as c

router = APIRouter(prefix=f"{PREFIX}/tickets", tags=["tickets"],
                   dependencies=[Depends(get_principal)])
Public = s.TicketPublic


@router.post("", status_code=201, response_model=Public, responses=s.problems(403, 404, 409))
async def issue(body: s.TicketCreate, bus: Bus,
                actor: Annotated[Actor, caller(c.IssueTicket)]) -> Public:
    """A walk-in joins the doctor's line for today. Unknown patient or doctor: 404; an
    inactive doctor, or the patient already in that line: 409."""
    done = await bus.handle(c.IssueTicket(actor, body.patient_id, body.doctor_id, body.urgency))
    return views.ticket(done)


@router.get("/mine", response_model=list[Public], responses=s.problems(403))
async def mine(bus: Bus, actor: Annotated[Actor, caller(c.MyTickets)]) -> list[Public]:
    """The caller's active tickets, with position, people ahead and estimated wait."""
    return [views.ticket(v) for v in await bus.handle(c.MyTickets(actor))]


@router.get("/{ticket_id}", response_model=Public, responses=s.problems(404))
async def get_ticket(ticket_id: uuid.UUID, bus: Bus,
                     actor: Annotated[Actor, caller(c.GetTicket)]) -> Public:
    """The owner, the line's doctor and staff; anyone else gets 404."""
    done = await bus.handle(c.GetTicket(actor, ticket_id))
    return views.ticket(done)


@router.post("/{ticket_id}/serve", response_model=s.ServedPublic,
             responses=s.problems(403, 404, 409))
async def serve(ticket_id: uuid.UUID, bus: Bus,
                actor: Annotated[Actor, caller(c.ServeTicket)]) -> s.ServedPublic:
    """The line's doctor finished the visit; a ticket that was not called: 409. For an
    appointment's ticket, ``appointment_to_complete`` says whether the appointment still needs
    completing at ``POST /api/appointments/{appointment_id}/complete``."""
    done = await bus.handle(c.ServeTicket(actor, ticket_id))
    return s.ServedPublic(**views.ticket(done.ticket).model_dump(),
                          appointment_to_complete=done.appointment_to_complete)


@router.post("/{ticket_id}/no-show", response_model=Public, responses=s.problems(403, 404, 409))
async def no_show(ticket_id: uuid.UUID, bus: Bus,
                  actor: Annotated[Actor, caller(c.MissTicket)]) -> Public:
    """Called but absent: back to the end of the line the first time, then ``missed``."""
    done = await bus.handle(c.MissTicket(actor, ticket_id))
    return views.ticket(done)


@router.patch("/{ticket_id}", response_model=Public, responses=s.problems(403, 404, 409))
async def update(ticket_id: uuid.UUID, body: s.TicketUpdate, bus: Bus,
                 actor: Annotated[Actor, caller(c.UpdateTicket)]) -> Public:
    """Change a waiting ticket's urgency, or transfer it to another doctor's line."""
    done = await bus.handle(c.UpdateTicket(actor, ticket_id, body.urgency, body.doctor_id))
    return views.ticket(done)


@router.delete("/{ticket_id}", response_model=Public, responses=s.problems(403, 404, 409))
async def leave(ticket_id: uuid.UUID, bus: Bus,
                actor: Annotated[Actor, caller(c.LeaveTicket)]) -> Public:
    """The patient (or reception) takes the ticket out of the line."""
    done = await bus.handle(c.LeaveTicket(actor, ticket_id))
    return views.ticket(done)
