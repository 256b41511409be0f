"""No-show penalties: one per missed appointment; staff may waive one, once."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from hms_appointments.domain import events as ev
from hms_appointments.domain.appointment import Appointment
from hms_appointments.domain.errors import IllegalTransition


@dataclass(eq=False)
class Penalty:
    id: uuid.UUID
    appointment_id: uuid.UUID
    patient_id: uuid.UUID
    doctor_id: uuid.UUID
    created_at: datetime
    waived_at: datetime | None = None
    waived_by: uuid.UUID | None = None
    waive_reason: str | None = None
    events: list[ev.DomainEvent] = field(default_factory=list, repr=False)

    @classmethod
    def for_no_show(cls, appointment: Appointment, now: datetime) -> Penalty:
        return cls(uuid.uuid4(), appointment.id, appointment.patient_id, appointment.doctor_id,
                   now)

    def applied(self, active_penalties: int) -> None:
        """Record the event once the store has taken it and counted the patient's active ones."""
        self.events.append(ev.NoShowPenaltyApplied(
            self.id, self.appointment_id, self.patient_id, self.doctor_id, active_penalties))

    @property
    def waived(self) -> bool:
        return self.waived_at is not None

    def is_active(self, now: datetime, window: timedelta) -> bool:
        return not self.waived and self.created_at > now - window

    def waive(self, by: uuid.UUID, reason: str, now: datetime) -> None:
        if self.waived:
            raise IllegalTransition("waive", "waived")
        self.waived_at, self.waived_by, self.waive_reason = now, by, reason
        self.events.append(ev.PenaltyWaived(self.id, self.patient_id, by))
