"""Schedules, slots, doctors and the listing scope, over the fake unit of work."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time

import pytest

from hms_appointments.domain import errors as exc
from hms_appointments.domain.actor import ADMIN, DOCTOR, PATIENT, RECEPTIONIST, Actor
from hms_appointments.domain.schedule import TimeOff, WeeklyHours
from hms_appointments.service_layer import commands as c

MONDAY = date(2026, 3, 2)
HOURS = (WeeklyHours(0, time(9), time(11)),)


def as_(role: str, user_id: uuid.UUID | None = None) -> Actor:
    return Actor(user_id or uuid.uuid4(), role)


async def test_admin_or_that_doctor_sets_the_schedule(fake) -> None:
    doctor = fake.person("doctor")
    for actor in (as_(RECEPTIONIST), as_(PATIENT), as_(DOCTOR)):
        with pytest.raises(exc.NotAllowed):
            await fake.bus.handle(c.SetSchedule(actor, doctor, 30, HOURS))
    with pytest.raises(exc.DoctorNotFound):
        await fake.bus.handle(c.SetSchedule(as_(ADMIN), uuid.uuid4(), 30, HOURS))
    with pytest.raises(exc.InvalidSchedule):
        await fake.bus.handle(c.SetSchedule(as_(DOCTOR, doctor), doctor, 3, HOURS))
    schedule = await fake.bus.handle(c.SetSchedule(as_(DOCTOR, doctor), doctor, 30, HOURS))
    assert fake.store.schedules[doctor].slot_minutes == schedule.slot_minutes == 30
    assert fake.names() == ["schedule_changed"]
    assert fake.store.published[0].payload == {"doctor_id": str(doctor)}


async def test_the_desk_admins_and_that_doctor_read_the_schedule(fake) -> None:
    doctor = fake.person("doctor")
    empty = await fake.bus.handle(c.GetSchedule(as_(RECEPTIONIST), doctor))
    assert (empty.weekly, empty.time_off, empty.slot_minutes) == ((), (), 15)  # no hours yet
    await fake.bus.handle(c.SetSchedule(as_(ADMIN), doctor, 30, HOURS))
    for actor in (as_(RECEPTIONIST), as_(ADMIN), as_(DOCTOR, doctor)):
        read = await fake.bus.handle(c.GetSchedule(actor, doctor))
        assert (read.slot_minutes, read.weekly) == (30, HOURS)
    for actor in (as_(PATIENT), as_(DOCTOR)):  # another doctor's hours are not theirs to read
        with pytest.raises(exc.NotAllowed):
            await fake.bus.handle(c.GetSchedule(actor, doctor))
    with pytest.raises(exc.DoctorNotFound):
        await fake.bus.handle(c.GetSchedule(as_(ADMIN), uuid.uuid4()))
    assert fake.names() == ["schedule_changed"]  # reading records nothing


async def test_slots_show_what_is_taken_off_or_past(fake) -> None:
    doctor = fake.person("doctor")
    off = (TimeOff(fake.at("10:00"), fake.at("10:30")),)
    await fake.bus.handle(c.SetSchedule(as_(ADMIN), doctor, 30, HOURS, off))
    await fake.bus.handle(c.BookAppointment(as_(PATIENT), doctor, fake.at("10:30")))
    fake.clock.set(fake.at("09:10"))
    slots = await fake.bus.handle(c.GetSlots(doctor, MONDAY))
    assert [(v.slot.start, v.available) for v in slots] == [
        (fake.at("09:00"), False),  # begun
        (fake.at("09:30"), True),
        (fake.at("10:00"), False),  # time off
        (fake.at("10:30"), False),  # taken
    ]
    assert await fake.bus.handle(c.GetSlots(doctor, date(2026, 3, 3))) == []  # not a working day


async def test_slots_of_an_inactive_or_unknown_doctor(fake) -> None:
    inactive = fake.doctor(active=False)
    assert all(not v.available for v in await fake.bus.handle(c.GetSlots(inactive, MONDAY)))
    with pytest.raises(exc.DoctorNotFound):
        await fake.bus.handle(c.GetSlots(uuid.uuid4(), MONDAY))
    assert await fake.bus.handle(c.GetSlots(fake.person("doctor"), MONDAY)) == []  # no hours


async def test_doctors_list_active_ones_unless_asked(fake) -> None:
    active, inactive = fake.doctor(), fake.doctor(active=False)
    fake.person("patient")
    assert [d.id for d in (await fake.bus.handle(c.ListDoctors())).items] == [active]
    page = await fake.bus.handle(c.ListDoctors(include_inactive=True))
    assert {d.id for d in page.items} == {active, inactive} and page.total == 2


async def test_listing_is_scoped_to_what_the_caller_may_see(fake) -> None:
    d1, d2 = fake.doctor(), fake.doctor()
    alice, bob = as_(PATIENT), as_(PATIENT)
    a1 = await fake.bus.handle(c.BookAppointment(alice, d1, fake.at("09:00")))
    await fake.bus.handle(c.BookAppointment(bob, d2, fake.at("09:00")))
    a3 = await fake.bus.handle(c.BookAppointment(alice, d2, fake.at("10:00", day=3)))

    mine = await fake.bus.handle(c.ListAppointments(alice))
    assert [a.id for a in mine.items] == [a1.id, a3.id]
    with pytest.raises(exc.NotAllowed):
        await fake.bus.handle(c.ListAppointments(alice, patient_id=bob.user_id))
    theirs = await fake.bus.handle(c.ListAppointments(as_(DOCTOR, d2)))
    assert theirs.total == 2
    with pytest.raises(exc.NotAllowed):
        await fake.bus.handle(c.ListAppointments(as_(DOCTOR, d2), doctor_id=d1))
    everyone = await fake.bus.handle(c.ListAppointments(as_(RECEPTIONIST), limit=2, offset=1))
    assert (everyone.total, len(everyone.items)) == (3, 2)
    tuesday = await fake.bus.handle(c.ListAppointments(as_(ADMIN), day=date(2026, 3, 3)))
    assert [a.id for a in tuesday.items] == [a3.id]


async def test_a_clinic_day_is_not_a_utc_day(fake) -> None:
    doctor = fake.doctor(hours=("00:00", "04:00"))  # 00:00-01:00 Nairobi is the previous UTC day
    appt = await fake.bus.handle(c.BookAppointment(as_(PATIENT), doctor, fake.at("00:30", day=3)))
    assert appt.start == datetime(2026, 3, 2, 21, 30, tzinfo=UTC)
    found = await fake.bus.handle(c.ListAppointments(as_(ADMIN), day=date(2026, 3, 3)))
    assert [a.id for a in found.items] == [appt.id]
    assert (await fake.bus.handle(c.ListAppointments(as_(ADMIN), day=MONDAY))).total == 0


async def test_get_hides_others_appointments(fake) -> None:
    doctor, alice = fake.doctor(), as_(PATIENT)
    appt = await fake.bus.handle(c.BookAppointment(alice, doctor, fake.at("09:00")))
    for actor in (alice, as_(DOCTOR, doctor), as_(ADMIN), as_(RECEPTIONIST)):
        assert (await fake.bus.handle(c.GetAppointment(actor, appt.id))).id == appt.id
    for actor in (as_(PATIENT), as_(DOCTOR)):
        with pytest.raises(exc.AppointmentNotFound):
            await fake.bus.handle(c.GetAppointment(actor, appt.id))
