"""The read-model rows, one per thing reported on. Each ``*_stamp`` is the stamp of the fact
that set the field beside it: a field only changes for a newer one (facts.stamp_of)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime


@dataclass
class AppointmentRow:
    appointment_id: uuid.UUID
    patient_id: uuid.UUID | None = None
    doctor_id: uuid.UUID | None = None
    start: datetime | None = None
    day: date | None = None  # the start's clinic day
    start_stamp: str | None = None
    status: str | None = None
    status_rank: int = -1
    status_stamp: str | None = None


@dataclass
class TicketRow:
    ticket_id: uuid.UUID
    patient_id: uuid.UUID | None = None
    doctor_id: uuid.UUID | None = None
    doctor_stamp: str | None = None
    first_at: datetime | None = None
    day: date | None = None  # the clinic day of the ticket's first fact
    status: str | None = None
    status_rank: int = -1
    status_stamp: str | None = None
    waited_seconds: int | None = None
    service_seconds: int | None = None


@dataclass
class PenaltyRow:
    penalty_id: uuid.UUID
    appointment_id: uuid.UUID | None = None
    patient_id: uuid.UUID | None = None
    doctor_id: uuid.UUID | None = None
    applied_day: date | None = None
    waived: bool = False


@dataclass
class NotificationRow:
    notification_id: uuid.UUID
    recipient_id: uuid.UUID | None = None
    channel: str | None = None
    kind: str | None = None
    dedup_key: str | None = None
    first_at: datetime | None = None
    day: date | None = None
    status: str | None = None
    status_stamp: str | None = None
    attempts: int | None = None


@dataclass
class PersonRow:
    user_id: uuid.UUID
    full_name: str | None = None
    name_stamp: str | None = None
    role: str | None = None
    role_stamp: str | None = None
    active: bool = True
    active_stamp: str | None = None


Row = AppointmentRow | TicketRow | PenaltyRow | NotificationRow | PersonRow
