"""The Appointment aggregate and its lifecycle (FHIR Appointment: booked / checked-in /
fulfilled / cancelled / noshow, https://hl7.org/fhir/valueset-appointmentstatus.html).

    booked -> checked_in -> completed
    booked -> cancelled | no_show
    booked -> booked (rescheduled: same id, new time)

Every change records its event in ``events``; any other move raises IllegalTransition.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum
from typing import Any

from hms_appointments.domain import events as ev
from hms_appointments.domain.errors import (
    AlreadyStarted,
    IllegalTransition,
    InvalidRequest,
    NoShowTooEarly,
    NotCheckInDay,
)
from hms_appointments.domain.schedule import Slot

MAX_REASON = 500


class Status(StrEnum):
    BOOKED = "booked"
    CHECKED_IN = "checked_in"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


# The statuses that hold a slot; the database's exclusion constraints use the same set.
ACTIVE = frozenset({Status.BOOKED, Status.CHECKED_IN})


@dataclass(eq=False)
class Appointment:
    id: uuid.UUID
    patient_id: uuid.UUID
    doctor_id: uuid.UUID
    start: datetime
    end: datetime
    urgency: int
    reason: str | None
    booked_by: uuid.UUID
    created_at: datetime
    status: Status = Status.BOOKED
    cancelled_at: datetime | None = None
    cancelled_by: uuid.UUID | None = None
    cancel_reason: str | None = None
    late_cancel: bool | None = None
    checked_in_at: datetime | None = None
    completed_at: datetime | None = None
    # Clinical notes: kept here only, never put in events or logs.
    diagnosis: str | None = None
    treatment: str | None = None
    no_show_at: datetime | None = None
    no_show_marked_by: str | None = None
    # The clinic day of the start: one active appointment per patient, doctor and clinic day
    # (a unique index). None only for rows from before that rule which broke it.
    clinic_day: date | None = None
    # Per field (status, start): when last written and whether by staff, for offline writes'
    # last-write-wins (hms_platform.last_write).
    field_times: dict[str, Any] = field(default_factory=dict, repr=False)
    events: list[ev.DomainEvent] = field(default_factory=list, repr=False)
    # The last command's HMS-Write-Outcome (applied / superseded), for offline writes only.
    write_outcome: str | None = field(default=None, init=False, repr=False)

    @classmethod
    def book(
        cls, *, patient_id: uuid.UUID, doctor_id: uuid.UUID, slot: Slot, urgency: int,
        reason: str | None, booked_by: uuid.UUID, now: datetime,
        appointment_id: uuid.UUID | None = None, override_reason: str | None = None,
    ) -> Appointment:
        """``override_reason``: why staff booked past the patient's cap (into the event)."""
        if not 1 <= urgency <= 5:
            raise InvalidRequest("urgency must be 1 (most urgent) to 5 (routine).")
        if reason is not None and len(reason) > MAX_REASON:
            raise InvalidRequest(f"reason must be at most {MAX_REASON} characters.")
        if override_reason is not None and len(override_reason) > MAX_REASON:
            raise InvalidRequest(f"override_reason must be at most {MAX_REASON} characters.")
        appt = cls(appointment_id or uuid.uuid4(), patient_id, doctor_id, slot.start, slot.end,
                   urgency, reason, booked_by, now, clinic_day=slot.day)
        appt.events.append(ev.AppointmentBooked(
            appt.id, patient_id, doctor_id, slot.start, slot.end, urgency, booked_by,
            override_reason))
        return appt

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    def require(self, status: Status, action: str) -> None:
        if self.status is not status:
            raise IllegalTransition(action, self.status.value)

    def require_not_started(self, now: datetime, action: str) -> None:
        if now >= self.start:
            raise AlreadyStarted(f"The appointment has started; only reception can {action} it.")

    def reschedule(self, slot: Slot, by: uuid.UUID | None = None) -> None:
        self.require(Status.BOOKED, "reschedule")
        old_start = self.start
        self.start, self.end, self.clinic_day = slot.start, slot.end, slot.day
        self.events.append(ev.AppointmentRescheduled(
            self.id, old_start, slot.start, slot.end, self.patient_id, self.doctor_id, by))

    def cancel(
        self, by: uuid.UUID, now: datetime, reason: str | None, late_window: timedelta
    ) -> None:
        """Cancel; ``late`` when it happens less than ``late_window`` before the start."""
        self.require(Status.BOOKED, "cancel")
        self.status = Status.CANCELLED
        self.cancelled_at, self.cancelled_by, self.cancel_reason = now, by, reason
        self.late_cancel = self.start - now < late_window
        self.events.append(ev.AppointmentCancelled(
            self.id, self.patient_id, self.doctor_id, by, self.late_cancel))

    def check_in(self, now: datetime, clinic_tz: tzinfo, by: uuid.UUID | None = None) -> None:
        self.require(Status.BOOKED, "check in")
        if now.astimezone(clinic_tz).date() != self.start.astimezone(clinic_tz).date():
            raise NotCheckInDay("Check-in is on the day of the appointment.")
        self.status, self.checked_in_at = Status.CHECKED_IN, now
        self.events.append(ev.PatientCheckedIn(
            self.id, self.patient_id, self.doctor_id, self.urgency, now, by))

    def complete(self, now: datetime, diagnosis: str, treatment: str) -> None:
        self.require(Status.CHECKED_IN, "complete")
        self.status, self.completed_at = Status.COMPLETED, now
        self.diagnosis, self.treatment = diagnosis, treatment
        self.events.append(ev.AppointmentCompleted(
            self.id, self.patient_id, self.doctor_id, now))

    def mark_no_show(self, now: datetime, marked_by: str) -> None:
        """``marked_by`` is a user id, or "scheduler" for the automatic run."""
        self.require(Status.BOOKED, "mark as no-show")
        if now < self.start:
            raise NoShowTooEarly("The appointment has not started yet; it cannot be missed.")
        self.status, self.no_show_at, self.no_show_marked_by = Status.NO_SHOW, now, marked_by
        self.events.append(ev.AppointmentNoShow(
            self.id, self.patient_id, self.doctor_id, self.start, marked_by))
