"""Domain events -> integration events in the outbox (same names, same fields)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from hms_contracts import queue as contracts
from hms_contracts.envelope import Envelope, EventPayload
from hms_platform.logging import correlation_id
from hms_queue.domain import events as ev
from hms_queue.domain.ticket import Ticket
from hms_queue.service_layer.ports import UnitOfWork

CONTRACTS: dict[type, type[EventPayload]] = {
    ev.TicketIssued: contracts.TicketIssued,
    ev.TurnApproaching: contracts.TurnApproaching,
    ev.PatientCalled: contracts.PatientCalled,
    ev.PatientServed: contracts.PatientServed,
    ev.TicketMissed: contracts.TicketMissed,
    ev.TicketCancelled: contracts.TicketCancelled,
    ev.TicketChanged: contracts.TicketChanged,
}


def to_envelope(event: ev.DomainEvent, occurred_at: datetime) -> Envelope:
    payload = CONTRACTS[type(event)](**asdict(event))
    return Envelope.of(payload, correlation_id=correlation_id(), occurred_at=occurred_at)


def record(uow: UnitOfWork, now: datetime, *tickets: Ticket) -> None:
    """Move the tickets' recorded events into the unit of work's outbox, in order."""
    for ticket in tickets:
        recorded, ticket.events = ticket.events, []
        for event in recorded:
            uow.add_event(to_envelope(event, now))
