"""Who may see and do what (the service README's routes): a patient sees their own
tickets, a doctor the tickets of their line, staff everything; what a caller may not see is
"not found" (404), so existence never leaks (OWASP API1)."""

from __future__ import annotations

import functools
import uuid

from hms_platform import messagebus
from hms_queue.domain import errors as exc
from hms_queue.domain.actor import Actor
from hms_queue.domain.ticket import Ticket
from hms_queue.service_layer.ports import UnitOfWork

# The caller's role must be one the command declares (routes check the same set first).
authorize = functools.partial(messagebus.authorize, refused=exc.NotAllowed)


def can_see(actor: Actor, ticket: Ticket) -> bool:
    return actor.sees(ticket.patient_id, ticket.doctor_id)


def require_own_line(actor: Actor, doctor_id: uuid.UUID) -> None:
    if actor.is_doctor and actor.user_id != doctor_id:
        raise exc.NotYourLine("A doctor works their own line only.")


async def load_visible(uow: UnitOfWork, actor: Actor, ticket_id: uuid.UUID) -> Ticket:
    ticket = await uow.tickets.get(ticket_id)
    if ticket is None or not can_see(actor, ticket):
        raise exc.TicketNotFound("No such ticket.")
    return ticket


async def load_for_change(uow: UnitOfWork, actor: Actor, ticket_id: uuid.UUID,
                          *also_lock: uuid.UUID) -> Ticket:
    """The ticket, with its line (and ``also_lock``'s) locked for this transaction, so every
    change to a line happens one at a time; locks are taken in id order (no deadlock)."""
    found = await load_visible(uow, actor, ticket_id)
    for doctor_id in sorted({found.doctor_id, *also_lock}):
        await uow.tickets.lock_line(doctor_id)
    ticket = await uow.tickets.get(ticket_id, for_update=True)
    if ticket is None or ticket.doctor_id != found.doctor_id:
        raise exc.Conflict("The ticket changed meanwhile; try again.")
    return ticket
