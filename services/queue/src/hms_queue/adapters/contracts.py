"""Which integration event (hms_contracts.queue) each domain event leaves as: the same name
and fields. The unit of work writes them to the outbox (hms_platform.recording)."""

from __future__ import annotations

from hms_contracts import queue as contracts
from hms_platform.recording import Contract
from hms_queue.domain import events as ev

CONTRACTS: dict[type, Contract] = {
    ev.TicketIssued: contracts.TicketIssued,
    ev.TurnApproaching: contracts.TurnApproaching,
    ev.PatientCalled: contracts.PatientCalled,
    ev.PatientServed: contracts.PatientServed,
    ev.TicketMissed: contracts.TicketMissed,
    ev.TicketCancelled: contracts.TicketCancelled,
    ev.TicketChanged: contracts.TicketChanged,
}
