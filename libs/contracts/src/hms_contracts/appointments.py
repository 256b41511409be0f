"""Events published by the appointments service."""

from __future__ import annotations

import uuid
from typing import ClassVar

from pydantic import AwareDatetime, Field

from hms_contracts.envelope import EventPayload
from hms_contracts.fields import Count, Urgency


class _AppointmentsEvent(EventPayload):
    """Base of the appointments events (no NAME: not an event itself)."""

    PRODUCER: ClassVar[str] = "appointments"


class ScheduleChanged(_AppointmentsEvent):
    """A doctor's working schedule (and so their bookable slots) changed."""

    NAME: ClassVar[str] = "appointments.schedule_changed.v1"

    doctor_id: uuid.UUID


class AppointmentBooked(_AppointmentsEvent):
    """An appointment was booked for a patient with a doctor."""

    NAME: ClassVar[str] = "appointments.appointment_booked.v1"

    appointment_id: uuid.UUID
    patient_id: uuid.UUID
    doctor_id: uuid.UUID
    start: AwareDatetime
    end: AwareDatetime
    urgency: Urgency
    booked_by: uuid.UUID
    # Optional (older producers omit it): set only when staff booked past the patient's cap.
    override_reason: str | None = Field(
        default=None, max_length=500,
        description="Why staff booked past the patient's limit of active upcoming "
                    "appointments; null on ordinary bookings.")


class AppointmentRescheduled(_AppointmentsEvent):
    """An appointment moved to a new start time."""

    NAME: ClassVar[str] = "appointments.appointment_rescheduled.v1"

    appointment_id: uuid.UUID
    old_start: AwareDatetime
    new_start: AwareDatetime
    # Optional beyond the documented minimum: consumers need not remember the booking to act.
    patient_id: uuid.UUID | None = None
    doctor_id: uuid.UUID | None = None
    new_end: AwareDatetime | None = None
    rescheduled_by: uuid.UUID | None = None  # for the audit trail: the patient or staff


class AppointmentCancelled(_AppointmentsEvent):
    """An appointment was cancelled; `late` if inside the late-cancellation window."""

    NAME: ClassVar[str] = "appointments.appointment_cancelled.v1"

    appointment_id: uuid.UUID
    patient_id: uuid.UUID
    doctor_id: uuid.UUID
    cancelled_by: uuid.UUID
    late: bool


class PatientCheckedIn(_AppointmentsEvent):
    """The patient of an appointment arrived and checked in."""

    NAME: ClassVar[str] = "appointments.patient_checked_in.v1"

    appointment_id: uuid.UUID
    patient_id: uuid.UUID
    doctor_id: uuid.UUID
    urgency: Urgency
    arrived_at: AwareDatetime
    # Optional beyond the documented minimum, for the audit trail: who checked the patient in.
    checked_in_by: uuid.UUID | None = None


class AppointmentCompleted(_AppointmentsEvent):
    """An appointment took place and was closed."""

    NAME: ClassVar[str] = "appointments.appointment_completed.v1"

    appointment_id: uuid.UUID
    patient_id: uuid.UUID
    doctor_id: uuid.UUID
    completed_at: AwareDatetime


class AppointmentNoShow(_AppointmentsEvent):
    """The patient did not come to an appointment."""

    NAME: ClassVar[str] = "appointments.appointment_no_show.v1"

    appointment_id: uuid.UUID
    patient_id: uuid.UUID
    doctor_id: uuid.UUID
    start: AwareDatetime
    marked_by: str = Field(description='The user id that marked it, or "scheduler".')


class NoShowPenaltyApplied(_AppointmentsEvent):
    """A no-show earned the patient a penalty."""

    NAME: ClassVar[str] = "appointments.no_show_penalty_applied.v1"

    penalty_id: uuid.UUID
    appointment_id: uuid.UUID
    patient_id: uuid.UUID
    doctor_id: uuid.UUID
    active_penalties: Count


class PenaltyWaived(_AppointmentsEvent):
    """A no-show penalty was waived by staff."""

    NAME: ClassVar[str] = "appointments.penalty_waived.v1"

    penalty_id: uuid.UUID
    patient_id: uuid.UUID
    waived_by: uuid.UUID


class ClinicalRecordRead(_AppointmentsEvent):
    """Someone other than the patient read an appointment's clinical fields (ids and time only)."""

    # For the audit trail: who read which appointment's diagnosis or treatment, never what.

    NAME: ClassVar[str] = "appointments.clinical_record_read.v1"

    appointment_id: uuid.UUID
    patient_id: uuid.UUID
    reader_id: uuid.UUID
    read_at: AwareDatetime
