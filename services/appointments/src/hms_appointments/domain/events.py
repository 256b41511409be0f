"""What happened, as the aggregates record it. Field names match the integration events in
``hms_contracts.appointments`` one to one, so translating them is mechanical; no clinical text."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ScheduleChanged:
    doctor_id: uuid.UUID


@dataclass(frozen=True)
class AppointmentBooked:
    appointment_id: uuid.UUID
    patient_id: uuid.UUID
    doctor_id: uuid.UUID
    start: datetime
    end: datetime
    urgency: int
    booked_by: uuid.UUID
    override_reason: str | None = None  # staff booked past the patient's cap: why


@dataclass(frozen=True)
class AppointmentRescheduled:
    appointment_id: uuid.UUID
    old_start: datetime
    new_start: datetime
    new_end: datetime
    patient_id: uuid.UUID
    doctor_id: uuid.UUID
    rescheduled_by: uuid.UUID | None = None


@dataclass(frozen=True)
class AppointmentCancelled:
    appointment_id: uuid.UUID
    patient_id: uuid.UUID
    doctor_id: uuid.UUID
    cancelled_by: uuid.UUID
    late: bool


@dataclass(frozen=True)
class PatientCheckedIn:
    appointment_id: uuid.UUID
    patient_id: uuid.UUID
    doctor_id: uuid.UUID
    urgency: int
    arrived_at: datetime
    checked_in_by: uuid.UUID | None = None


@dataclass(frozen=True)
class AppointmentCompleted:
    appointment_id: uuid.UUID
    patient_id: uuid.UUID
    doctor_id: uuid.UUID
    completed_at: datetime


@dataclass(frozen=True)
class AppointmentNoShow:
    appointment_id: uuid.UUID
    patient_id: uuid.UUID
    doctor_id: uuid.UUID
    start: datetime
    marked_by: str


@dataclass(frozen=True)
class NoShowPenaltyApplied:
    penalty_id: uuid.UUID
    appointment_id: uuid.UUID
    patient_id: uuid.UUID
    doctor_id: uuid.UUID
    active_penalties: int


@dataclass(frozen=True)
class PenaltyWaived:
    penalty_id: uuid.UUID
    patient_id: uuid.UUID
    waived_by: uuid.UUID


@dataclass(frozen=True)
class ClinicalRecordRead:
    """Someone other than the patient was shown an appointment's diagnosis or treatment:
    who and when, never what."""

    appointment_id: uuid.UUID
    patient_id: uuid.UUID
    reader_id: uuid.UUID
    read_at: datetime


DomainEvent = (
    ScheduleChanged | AppointmentBooked | AppointmentRescheduled | AppointmentCancelled
    | PatientCheckedIn | AppointmentCompleted | AppointmentNoShow | NoShowPenaltyApplied
    | PenaltyWaived | ClinicalRecordRead
)
