"""Doctors, their schedules and the slots those give."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from hms_appointments.domain import errors as exc
from hms_appointments.domain.directory import Person
from hms_appointments.domain.rules import Rules
from hms_appointments.domain.schedule import DEFAULT_SLOT_MINUTES, Schedule
from hms_appointments.service_layer import access
from hms_appointments.service_layer.commands import (
    GetSchedule,
    GetSlots,
    ListDoctors,
    SetSchedule,
    SlotView,
)
from hms_appointments.service_layer.ports import Page, UnitOfWork
from hms_platform.clock import Clock


async def set_schedule(cmd: SetSchedule, uow: UnitOfWork) -> Schedule:
    access.authorize(cmd, action="set schedules")
    if cmd.actor.is_doctor and cmd.actor.user_id != cmd.doctor_id:
        raise exc.NotAllowed("A doctor may set only their own schedule.")
    schedule = Schedule.define(cmd.doctor_id, cmd.slot_minutes, cmd.weekly, cmd.time_off)
    async with uow:
        doctor = await uow.people.get(cmd.doctor_id)
        if doctor is None or not doctor.is_doctor:
            raise exc.DoctorNotFound(f"Doctor {cmd.doctor_id} not found.")
        await uow.schedules.save(schedule)
        await uow.commit()
    return schedule


async def get_schedule(cmd: GetSchedule, uow: UnitOfWork) -> Schedule:
    """The doctor's schedule; one who has none yet has no hours (and the default slot length)."""
    access.authorize(cmd, action="read schedules")
    if cmd.actor.is_doctor and cmd.actor.user_id != cmd.doctor_id:
        raise exc.NotAllowed("A doctor may read only their own schedule.")
    async with uow:
        doctor = await uow.people.get(cmd.doctor_id)
        if doctor is None or not doctor.is_doctor:
            raise exc.DoctorNotFound(f"Doctor {cmd.doctor_id} not found.")
        schedule = await uow.schedules.get(cmd.doctor_id)
    return schedule or Schedule(cmd.doctor_id, DEFAULT_SLOT_MINUTES, (), ())


async def list_doctors(cmd: ListDoctors, uow: UnitOfWork) -> Page[Person]:
    async with uow:
        return await uow.people.doctors(cmd.include_inactive, cmd.limit, cmd.offset)


async def get_slots(cmd: GetSlots, uow: UnitOfWork, clock: Clock, rules: Rules) -> list[SlotView]:
    """The day's slots; unavailable when taken, in time off, begun, or the doctor is inactive."""
    now = clock.now()
    tz = rules.clinic_tz
    async with uow:
        doctor = await uow.people.get(cmd.doctor_id)
        if doctor is None or not doctor.is_doctor:
            raise exc.DoctorNotFound(f"Doctor {cmd.doctor_id} not found.")
        schedule = await uow.schedules.get(cmd.doctor_id)
        if schedule is None:
            return []
        day_start = datetime.combine(cmd.day, time(), tzinfo=tz).astimezone(UTC)
        day_end = datetime.combine(cmd.day + timedelta(days=1), time(), tzinfo=tz).astimezone(UTC)
        busy = await uow.appointments.busy_between(cmd.doctor_id, day_start, day_end)
    return [
        SlotView(slot, doctor.active and slot.start > now and not schedule.in_time_off(slot)
                 and not any(slot.overlaps(a, b) for a, b in busy))
        for slot in schedule.slots_on(cmd.day, tz)
    ]
