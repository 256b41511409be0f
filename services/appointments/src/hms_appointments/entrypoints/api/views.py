"""Domain objects -> response bodies."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from hms_appointments.domain.actor import Actor
from hms_appointments.domain.appointment import Appointment
from hms_appointments.domain.directory import Person
from hms_appointments.domain.schedule import Schedule
from hms_appointments.entrypoints.api import schemas as s
from hms_appointments.service_layer.access import may_read_notes
from hms_appointments.service_layer.handlers.penalties import PenaltyView

_PUBLIC_FIELDS = frozenset(s.AppointmentPublic.model_fields)
if s.AppointmentPublic.__pydantic_post_init__ or s.AppointmentPublic.__pydantic_root_model__:
    raise RuntimeError("AppointmentPublic needs model_construct: it has post-init or a root")
_set = object.__setattr__


def _constructed(**values: Any) -> s.AppointmentPublic:
    """What ``model_construct`` makes when it is given every field (no default to fill, no
    alias or extra to look for), without its walk over the fields on every call: a page of 20
    spent a tenth of its time there."""
    model = s.AppointmentPublic.__new__(s.AppointmentPublic)
    _set(model, "__dict__", values)
    _set(model, "__pydantic_fields_set__", set(_PUBLIC_FIELDS))
    _set(model, "__pydantic_extra__", None)
    _set(model, "__pydantic_private__", None)
    return model


def appointment(appt: Appointment, actor: Actor,
                names: Mapping[uuid.UUID, str] | None = None) -> s.AppointmentPublic:
    """Built without validation: every value comes from the domain object, already typed, and
    a page of 20 spent a tenth of its time re-validating them. ``names``: the people's names
    the caller may see (NamePeople), by id."""
    notes = may_read_notes(actor, appt)
    names = names or {}
    return _constructed(
        id=appt.id, status=appt.status, patient_id=appt.patient_id,
        patient_name=names.get(appt.patient_id), doctor_id=appt.doctor_id,
        doctor_name=names.get(appt.doctor_id),
        start=appt.start, end=appt.end, urgency=appt.urgency, reason=appt.reason,
        booked_by=appt.booked_by, created_at=appt.created_at, cancelled_at=appt.cancelled_at,
        cancelled_by=appt.cancelled_by, cancel_reason=appt.cancel_reason,
        late_cancel=appt.late_cancel, checked_in_at=appt.checked_in_at,
        completed_at=appt.completed_at, no_show_at=appt.no_show_at,
        no_show_marked_by=appt.no_show_marked_by,
        diagnosis=appt.diagnosis if notes else None, treatment=appt.treatment if notes else None)


def doctor(person: Person) -> s.DoctorPublic:
    return s.DoctorPublic(id=person.id, full_name=person.full_name,
                          department=person.department, room=person.room, active=person.active)


def schedule(sched: Schedule, timezone: str) -> s.SchedulePublic:
    return s.SchedulePublic(
        doctor_id=sched.doctor_id, slot_minutes=sched.slot_minutes, timezone=timezone,
        weekly=[s.WeeklyRange(weekday=w.weekday, start=f"{w.start:%H:%M}", end=f"{w.end:%H:%M}")
                for w in sched.weekly],
        time_off=[s.TimeOffRange(start=o.start, end=o.end) for o in sched.time_off])


def penalty(view: PenaltyView) -> s.PenaltyPublic:
    p = view.penalty
    return s.PenaltyPublic(
        id=p.id, appointment_id=p.appointment_id, patient_id=p.patient_id,
        doctor_id=p.doctor_id, created_at=p.created_at, active=view.active,
        waived_at=p.waived_at, waived_by=p.waived_by, waive_reason=p.waive_reason)
