"""Doctors, their schedules and their slots."""

from __future__ import annotations

import uuid
from datetime import time
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from hms_appointments.domain.actor import Actor
from hms_appointments.domain.schedule import TimeOff, WeeklyHours
from hms_appointments.entrypoints.api import PREFIX, views
from hms_appointments.entrypoints.api import schemas as s
from hms_appointments.entrypoints.api.deps import Bus, caller
from hms_appointments.service_layer import commands as c
from hms_platform.auth import get_principal

router = APIRouter(prefix=f"{PREFIX}/doctors", tags=["doctors"],
                   dependencies=[Depends(get_principal)])
Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


@router.get("", response_model=s.DoctorPage, responses=s.problems())
async def list_doctors(
    bus: Bus, include_inactive: bool = False, limit: Limit = 50, offset: Offset = 0
) -> s.DoctorPage:
    page = await bus.handle(c.ListDoctors(include_inactive, limit, offset))
    return s.DoctorPage(items=[views.doctor(p) for p in page.items], total=page.total,
                        limit=limit, offset=offset)


@router.get("/{doctor_id}/schedule", response_model=s.SchedulePublic,
            responses=s.problems(403, 404))
async def get_schedule(
    doctor_id: uuid.UUID, bus: Bus, actor: Annotated[Actor, caller(c.GetSchedule)],
    request: Request,
) -> s.SchedulePublic:
    """The doctor's weekly hours and time off (admin, receptionist, or that doctor); a doctor
    with no hours yet answers an empty week."""
    schedule = await bus.handle(c.GetSchedule(actor, doctor_id))
    return views.schedule(schedule, request.app.state.settings.clinic_timezone)


@router.put("/{doctor_id}/schedule", response_model=s.SchedulePublic,
            responses=s.problems(403, 404))
async def put_schedule(
    doctor_id: uuid.UUID, body: s.ScheduleUpdate, bus: Bus,
    actor: Annotated[Actor, caller(c.SetSchedule)],
    request: Request,
) -> s.SchedulePublic:
    """Replace the doctor's weekly hours and time off (admin, or that doctor)."""
    weekly = tuple(WeeklyHours(w.weekday, time.fromisoformat(w.start), time.fromisoformat(w.end))
                   for w in body.weekly)
    time_off = tuple(TimeOff(o.start, o.end) for o in body.time_off)
    schedule = await bus.handle(c.SetSchedule(actor, doctor_id, body.slot_minutes, weekly,
                                              time_off))
    return views.schedule(schedule, request.app.state.settings.clinic_timezone)


@router.get("/{doctor_id}/slots", response_model=s.DaySlots, responses=s.problems(404))
async def get_slots(
    doctor_id: uuid.UUID, day: Annotated[s.Day, Query(alias="date")], bus: Bus,
    request: Request,
) -> s.DaySlots:
    """The day's slots (``date`` is a day in the clinic's time zone), with availability."""
    slots = await bus.handle(c.GetSlots(doctor_id, day))
    return s.DaySlots(
        doctor_id=doctor_id, date=day, timezone=request.app.state.settings.clinic_timezone,
        slots=[s.SlotPublic(start=v.slot.start, end=v.slot.end, available=v.available)
               for v in slots])
