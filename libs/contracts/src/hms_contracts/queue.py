"""Events published by the queue service."""

from __future__ import annotations

import uuid
from typing import Annotated, ClassVar

from pydantic import AwareDatetime, Field

from hms_contracts.envelope import EventPayload
from hms_contracts.fields import Count, TicketSource, Urgency

# The ticket as the screen and the printed ticket show it ("B-002": the line's letter and the
# number). Optional, added after the number: an event without it still parses, and a consumer
# falls back to the number.
TicketLabel = Annotated[str, Field(max_length=16, description="The ticket as shown, e.g. B-002.")]


class _QueueEvent(EventPayload):
    """Base of the queue events (no NAME: not an event itself)."""

    PRODUCER: ClassVar[str] = "queue"


class TicketIssued(_QueueEvent):
    """A patient joined a doctor's queue, as a walk-in or on check-in."""

    NAME: ClassVar[str] = "queue.ticket_issued.v1"

    ticket_id: uuid.UUID
    number: Count
    patient_id: uuid.UUID
    doctor_id: uuid.UUID
    urgency: Urgency
    source: TicketSource
    appointment_id: uuid.UUID | None = None
    position: Count
    eta_minutes: Count
    # Optional beyond the documented minimum, for the audit trail: reception for a walk-in, who
    # checked the patient in for a check-in.
    issued_by: uuid.UUID | None = None
    label: TicketLabel | None = None


class TurnApproaching(_QueueEvent):
    """Few enough people are ahead of a ticket that the patient should come closer."""

    NAME: ClassVar[str] = "queue.turn_approaching.v1"

    ticket_id: uuid.UUID
    patient_id: uuid.UUID
    doctor_id: uuid.UUID
    people_ahead: Count
    eta_minutes: Count


class PatientCalled(_QueueEvent):
    """A doctor called a ticket to their room."""

    NAME: ClassVar[str] = "queue.patient_called.v1"

    ticket_id: uuid.UUID
    number: Count
    patient_id: uuid.UUID
    doctor_id: uuid.UUID
    room: str
    called_at: AwareDatetime
    label: TicketLabel | None = None


class PatientServed(_QueueEvent):
    """A doctor finished seeing a ticket's patient."""

    NAME: ClassVar[str] = "queue.patient_served.v1"

    ticket_id: uuid.UUID
    patient_id: uuid.UUID
    doctor_id: uuid.UUID
    waited_seconds: Count
    service_seconds: Count


class _TicketClosed(_QueueEvent):
    """Fields shared by the tickets that leave the queue unserved (no NAME)."""

    ticket_id: uuid.UUID
    patient_id: uuid.UUID
    doctor_id: uuid.UUID
    # Optional beyond the documented minimum, for the audit trail: the doctor who marked the
    # patient missing, the patient or reception who withdrew the ticket; null when the queue
    # withdrew it on appointments' event (a cancellation or no-show).
    closed_by: uuid.UUID | None = None


class TicketMissed(_TicketClosed):
    """A called patient did not come, and the ticket left the queue."""

    NAME: ClassVar[str] = "queue.ticket_missed.v1"


class TicketCancelled(_TicketClosed):
    """A ticket was withdrawn from the queue before being served."""

    NAME: ClassVar[str] = "queue.ticket_cancelled.v1"


class TicketChanged(_QueueEvent):
    """Staff changed a waiting ticket's urgency or moved it to another doctor."""

    NAME: ClassVar[str] = "queue.ticket_changed.v1"

    ticket_id: uuid.UUID
    urgency: Urgency | None = None
    doctor_id: uuid.UUID | None = None
    changed_by: uuid.UUID
