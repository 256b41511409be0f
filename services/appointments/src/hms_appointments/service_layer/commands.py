"""What callers ask for: imperative commands (change state) and queries (read it)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from hms_appointments.domain.actor import Actor
from hms_appointments.domain.appointment import Status
from hms_appointments.domain.schedule import TimeOff, WeeklyHours


@dataclass(frozen=True)
class SetSchedule:
    actor: Actor
    doctor_id: uuid.UUID
    slot_minutes: int
    weekly: tuple[WeeklyHours, ...]
    time_off: tuple[TimeOff, ...] = ()


@dataclass(frozen=True)
class ListDoctors:
    include_inactive: bool = False
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class GetSlots:
    doctor_id: uuid.UUID
    day: date


@dataclass(frozen=True)
class BookAppointment:
    actor: Actor
    doctor_id: uuid.UUID
    start: datetime
    patient_id: uuid.UUID | None = None
    urgency: int | None = None  # None: routine (3); set only by staff
    reason: str | None = None
    override_reason: str | None = None  # staff only: why to book past the patient's cap


@dataclass(frozen=True)
class RescheduleAppointment:
    actor: Actor
    appointment_id: uuid.UUID
    start: datetime


@dataclass(frozen=True)
class CancelAppointment:
    actor: Actor
    appointment_id: uuid.UUID
    reason: str | None = None


@dataclass(frozen=True)
class CheckIn:
    actor: Actor
    appointment_id: uuid.UUID


@dataclass(frozen=True)
class CompleteAppointment:
    actor: Actor
    appointment_id: uuid.UUID
    diagnosis: str
    treatment: str


@dataclass(frozen=True)
class MarkNoShow:
    actor: Actor
    appointment_id: uuid.UUID


@dataclass(frozen=True)
class MarkNoShows:
    """The scheduler's sweep: every overdue booked appointment, in batches."""

    batch_size: int = 100


@dataclass(frozen=True)
class GetAppointment:
    actor: Actor
    appointment_id: uuid.UUID


@dataclass(frozen=True)
class ListAppointments:
    actor: Actor
    patient_id: uuid.UUID | None = None
    doctor_id: uuid.UUID | None = None
    day: date | None = None
    status: Status | None = None
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class ListPenalties:
    actor: Actor
    patient_id: uuid.UUID | None = None
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class WaivePenalty:
    actor: Actor
    penalty_id: uuid.UUID
    reason: str


@dataclass(frozen=True)
class RegisterUser:
    user_id: uuid.UUID
    role: str
    full_name: str
    department: str | None = None
    room: str | None = None


@dataclass(frozen=True)
class UpdateUser:
    user_id: uuid.UUID
    changes: dict[str, object]


@dataclass(frozen=True)
class DeactivateUser:
    user_id: uuid.UUID
