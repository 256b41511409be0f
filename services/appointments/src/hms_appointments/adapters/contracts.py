"""Which integration event (hms_contracts.appointments) each domain event leaves as: the same
name and fields. The unit of work writes them to the outbox (hms_platform.recording)."""

from __future__ import annotations

from hms_appointments.domain import events as ev
from hms_contracts import appointments as contracts
from hms_platform.recording import Contract

CONTRACTS: dict[type, Contract] = {
    ev.ScheduleChanged: contracts.ScheduleChanged,
    ev.AppointmentBooked: contracts.AppointmentBooked,
    ev.AppointmentRescheduled: contracts.AppointmentRescheduled,
    ev.AppointmentCancelled: contracts.AppointmentCancelled,
    ev.PatientCheckedIn: contracts.PatientCheckedIn,
    ev.AppointmentCompleted: contracts.AppointmentCompleted,
    ev.AppointmentNoShow: contracts.AppointmentNoShow,
    ev.NoShowPenaltyApplied: contracts.NoShowPenaltyApplied,
    ev.PenaltyWaived: contracts.PenaltyWaived,
    ev.ClinicalRecordRead: contracts.ClinicalRecordRead,
}
