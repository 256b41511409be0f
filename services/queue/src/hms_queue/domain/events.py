"""What happened, as the ticket records it. Field names match ``hms_contracts.queue`` one to
one, so translating them is mechanical. Ids, numbers and times only: no names, no phones."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class TicketIssued:
    ticket_id: uuid.UUID
    number: int
    patient_id: uuid.UUID
    doctor_id: uuid.UUID
    urgency: int
    source: str
    appointment_id: uuid.UUID | None
    position: int
    eta_minutes: int
    issued_by: uuid.UUID | None = None
    label: str | None = None  # as shown: "B-002"


@dataclass(frozen=True)
class TurnApproaching:
    ticket_id: uuid.UUID
    patient_id: uuid.UUID
    doctor_id: uuid.UUID
    people_ahead: int
    eta_minutes: int


@dataclass(frozen=True)
class PatientCalled:
    ticket_id: uuid.UUID
    number: int
    patient_id: uuid.UUID
    doctor_id: uuid.UUID
    room: str
    called_at: datetime
    label: str | None = None


@dataclass(frozen=True)
class PatientServed:
    ticket_id: uuid.UUID
    patient_id: uuid.UUID
    doctor_id: uuid.UUID
    waited_seconds: int
    service_seconds: int


@dataclass(frozen=True)
class TicketMissed:
    ticket_id: uuid.UUID
    patient_id: uuid.UUID
    doctor_id: uuid.UUID
    closed_by: uuid.UUID | None = None


@dataclass(frozen=True)
class TicketCancelled:
    ticket_id: uuid.UUID
    patient_id: uuid.UUID
    doctor_id: uuid.UUID
    closed_by: uuid.UUID | None = None  # None: the queue, on appointments' event


@dataclass(frozen=True)
class TicketChanged:
    ticket_id: uuid.UUID
    changed_by: uuid.UUID
    urgency: int | None = None
    doctor_id: uuid.UUID | None = None


DomainEvent = (TicketIssued | TurnApproaching | PatientCalled | PatientServed | TicketMissed
               | TicketCancelled | TicketChanged)
