"""Tickets: walk-ins, reading, serving, missing, changing and leaving."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query, Request, Response

from hms_platform.auth import get_principal
from hms_platform.last_write import OUTCOME_HEADER
from hms_queue.domain.actor import Actor
from hms_queue.domain.ticket import Ticket
from hms_queue.entrypoints.api import PREFIX, views
from hms_queue.entrypoints.api import schemas as s
from hms_queue.entrypoints.api.deps import Bus, caller
from hms_queue.entrypoints.api.vouchers import vouched_name
from hms_queue.service_layer import commands as c

router = APIRouter(prefix=f"{PREFIX}/tickets", tags=["tickets"],
                   dependencies=[Depends(get_principal)])
Public = s.TicketPublic
Write = Annotated[s.ClientWrite | None, Body()]
ClientTime = Annotated[s.ClientTime, Query(description=s.CLIENT_TIME)]


def _time(body: s.ClientWrite | None) -> datetime | None:
    return body.client_updated_at if body else None


def _told(response: Response, done: Ticket) -> Ticket:
    """An offline write's outcome in ``HMS-Write-Outcome``: applied, or superseded (the
    answer is then the ticket as it is)."""
    if done.write_outcome is not None:
        response.headers[OUTCOME_HEADER] = done.write_outcome
    return done


@router.post("", status_code=201, response_model=Public, responses=s.problems(403, 404, 409))
async def issue(body: s.TicketCreate, bus: Bus, request: Request,
                actor: Annotated[Actor, caller(c.IssueTicket)]) -> Public:
    """A walk-in joins the doctor's line for today. Unknown patient or doctor: 404; an
    inactive doctor, the patient already in that line, or a taken ``id``: 409. A patient the
    queue has not heard of yet is waited for a few seconds, or at once with the
    ``patient_voucher`` auth answered at registration (422 if it is not valid for them)."""
    name = (await vouched_name(request, body.patient_voucher, body.patient_id)
            if body.patient_voucher is not None else None)
    done = await bus.handle(c.IssueTicket(actor, body.patient_id, body.doctor_id, body.urgency,
                                          body.id, name))
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
async def serve(ticket_id: uuid.UUID, bus: Bus, response: Response,
                actor: Annotated[Actor, caller(c.ServeTicket)],
                body: Write = None) -> s.ServedPublic:
    """The line's doctor finished the visit; a ticket that was not called: 409. For an
    appointment's ticket, ``appointment_to_complete`` says whether the appointment still needs
    completing at ``POST /api/appointments/{appointment_id}/complete``."""
    done = await bus.handle(c.ServeTicket(actor, ticket_id, _time(body)))
    _told(response, done.ticket)
    return s.ServedPublic(**views.ticket(done.ticket).model_dump(),
                          appointment_to_complete=done.appointment_to_complete)


@router.post("/{ticket_id}/no-show", response_model=Public, responses=s.problems(403, 404, 409))
async def no_show(ticket_id: uuid.UUID, bus: Bus, response: Response,
                  actor: Annotated[Actor, caller(c.MissTicket)], body: Write = None) -> Public:
    """Called but absent: back to the end of the line the first time, then ``missed``."""
    done = await bus.handle(c.MissTicket(actor, ticket_id, _time(body)))
    return views.ticket(_told(response, done))


@router.patch("/{ticket_id}", response_model=Public, responses=s.problems(403, 404, 409))
async def update(ticket_id: uuid.UUID, body: s.TicketUpdate, bus: Bus, response: Response,
                 actor: Annotated[Actor, caller(c.UpdateTicket)]) -> Public:
    """Change a waiting ticket's urgency, or transfer it to another doctor's line. Offline
    (``client_updated_at``): each field applies if it wins (docs/api.md, Offline writes)."""
    done = await bus.handle(c.UpdateTicket(actor, ticket_id, body.urgency, body.doctor_id,
                                           body.client_updated_at))
    _told(response, done.ticket)
    return views.ticket(done)


@router.delete("/{ticket_id}", response_model=Public, responses=s.problems(403, 404, 409))
async def leave(ticket_id: uuid.UUID, bus: Bus, response: Response,
                actor: Annotated[Actor, caller(c.LeaveTicket)],
                client_updated_at: ClientTime = None) -> Public:
    """The patient (or reception) takes the ticket out of the line."""
    done = await bus.handle(c.LeaveTicket(actor, ticket_id, client_updated_at))
    return views.ticket(_told(response, done))
