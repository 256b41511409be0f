"""Booking limits: the cap on a patient's active upcoming appointments (and staff's override),
one active appointment per patient, doctor and clinic day, and the booking horizon; as rules
and through the handlers over the fakes."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from hms_appointments.config import AppointmentsSettings
from hms_appointments.domain import errors as exc
from hms_appointments.domain.actor import ADMIN, PATIENT, RECEPTIONIST, Actor
from hms_appointments.domain.rules import BookingLimits
from hms_appointments.service_layer import commands as c

NOW = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)


def as_(role: str, user_id: uuid.UUID | None = None) -> Actor:
    return Actor(user_id or uuid.uuid4(), role)


# -- the rules as values ------------------------------------------------------------------------

@pytest.mark.parametrize(("active", "by_staff", "reason", "outcome"), [
    (0, False, None, False),
    (2, False, None, False),
    (2, True, "family of five", False),  # under the cap a reason changes nothing
    (3, False, None, exc.BookingLimitReached),
    (3, True, None, exc.BookingLimitReached),  # staff without a reason: refused like anyone
    (3, True, "   ", exc.BookingLimitReached),  # a blank reason is no reason
    (3, True, "chemotherapy series", True),
    (9, True, "chemotherapy series", True),
    (3, False, "I insist", exc.BookingLimitReached),  # only staff may override
])
def test_the_cap_and_staffs_override(active: int, by_staff: bool, reason: str | None,
                                     outcome: bool | type[Exception]) -> None:
    limits = BookingLimits(max_active=3)
    if isinstance(outcome, bool):
        assert limits.check_active(active, by_staff=by_staff, override_reason=reason) is outcome
        return
    with pytest.raises(outcome) as raised:
        limits.check_active(active, by_staff=by_staff, override_reason=reason)
    assert raised.value.problem_extra == {"active_bookings": active, "limit": 3}
    assert f"already has {active} active upcoming appointments" in str(raised.value)
    assert "limit is 3" in str(raised.value)
    assert ("override_reason" in str(raised.value)) is by_staff


def test_the_horizon_includes_its_last_instant_and_nothing_after() -> None:
    limits = BookingLimits(horizon=timedelta(days=90))
    limits.check_horizon(NOW + timedelta(days=90), NOW)
    with pytest.raises(exc.BeyondHorizon) as raised:
        limits.check_horizon(NOW + timedelta(days=90, minutes=1), NOW)
    assert raised.value.problem_extra == {
        "horizon_days": 90, "latest_start": (NOW + timedelta(days=90)).isoformat()}
    assert "at most 90 days ahead" in str(raised.value)


def test_settings_give_the_limits(monkeypatch) -> None:
    assert (AppointmentsSettings().rules().bookings.max_active,
            AppointmentsSettings().rules().bookings.horizon) == (3, timedelta(days=90))
    monkeypatch.setenv("APPOINTMENTS_MAX_ACTIVE_BOOKINGS", "5")
    monkeypatch.setenv("APPOINTMENTS_BOOKING_HORIZON_DAYS", "30")
    bookings = AppointmentsSettings().rules().bookings
    assert (bookings.max_active, bookings.horizon) == (5, timedelta(days=30))
    with pytest.raises(ValueError):
        AppointmentsSettings(max_active_bookings=0)


# -- the cap through the handlers -----------------------------------------------------------

async def test_a_patient_may_hold_at_most_the_cap(fake) -> None:
    me = as_(PATIENT, fake.person("patient"))
    for day in (3, 4, 5):
        await fake.bus.handle(c.BookAppointment(me, fake.doctor(), fake.at("10:00", day=day)))
    with pytest.raises(exc.BookingLimitReached) as raised:
        await fake.bus.handle(c.BookAppointment(me, fake.doctor(), fake.at("10:00", day=6)))
    assert raised.value.problem_extra == {"active_bookings": 3, "limit": 3}
    assert len(fake.store.appointments.rows) == len(fake.store.published) == 3
    assert fake.store.appointments.locked == [me.user_id] * 4  # counted under the lock


async def test_only_active_upcoming_appointments_count(fake) -> None:
    me, desk = as_(PATIENT, fake.person("patient")), as_(RECEPTIONIST)
    first = await fake.bus.handle(c.BookAppointment(me, fake.doctor(), fake.at("09:00")))
    second = await fake.bus.handle(c.BookAppointment(me, fake.doctor(), fake.at("09:30")))
    third = await fake.bus.handle(c.BookAppointment(me, fake.doctor(), fake.at("10:00", day=3)))
    await fake.bus.handle(c.CancelAppointment(me, second.id))  # cancelled: frees a place
    fourth = await fake.bus.handle(c.BookAppointment(me, fake.doctor(), fake.at("11:00", day=3)))
    with pytest.raises(exc.BookingLimitReached):
        await fake.bus.handle(c.BookAppointment(me, fake.doctor(), fake.at("12:00", day=3)))
    fake.clock.set(fake.at("09:05"))
    await fake.bus.handle(c.CheckIn(desk, first.id))  # checked in, but it has begun: past
    await fake.bus.handle(c.BookAppointment(me, fake.doctor(), fake.at("12:00", day=3)))
    assert {a.id for a in fake.store.appointments.rows.values() if a.is_active} >= {
        first.id, third.id, fourth.id}


@pytest.mark.parametrize("role", [RECEPTIONIST, ADMIN])
async def test_staff_go_past_the_cap_only_with_a_reason_which_the_event_carries(
    fake, role: str
) -> None:
    patient, staff = fake.person("patient"), as_(role)
    for day in (3, 4):
        await fake.bus.handle(c.BookAppointment(staff, fake.doctor(), fake.at("10:00", day=day),
                                                patient_id=patient,
                                                override_reason="not needed yet"))
    await fake.bus.handle(c.BookAppointment(as_(PATIENT, patient), fake.doctor(),
                                            fake.at("10:00", day=5)))
    assert [e.payload["override_reason"] for e in fake.store.published] == [None] * 3

    with pytest.raises(exc.BookingLimitReached, match="override_reason"):
        await fake.bus.handle(c.BookAppointment(staff, fake.doctor(), fake.at("10:00", day=6),
                                                patient_id=patient))
    appt = await fake.bus.handle(c.BookAppointment(
        staff, fake.doctor(), fake.at("10:00", day=6), patient_id=patient,
        override_reason="dialysis three times a week"))
    assert appt.patient_id == patient and len(fake.store.published) == 4
    event = fake.store.published[-1]
    assert event.name == "appointments.appointment_booked.v1"
    assert event.payload["override_reason"] == "dialysis three times a week"
    assert event.payload["booked_by"] == str(staff.user_id)


async def test_a_patient_may_not_give_an_override_reason(fake) -> None:
    me = as_(PATIENT, fake.person("patient"))
    with pytest.raises(exc.NotAllowed, match="Only staff"):
        await fake.bus.handle(c.BookAppointment(me, fake.doctor(), fake.at("10:00"),
                                                override_reason="please"))
    assert fake.store.published == [] and fake.store.appointments.rows == {}


# -- one active appointment per patient, doctor and clinic day ---------------------------------

@pytest.mark.parametrize("role", [PATIENT, RECEPTIONIST])
async def test_one_active_appointment_per_doctor_and_clinic_day(fake, role: str) -> None:
    doctor, other_doctor, patient = fake.doctor(), fake.doctor(), fake.person("patient")
    actor = as_(role, patient if role == PATIENT else None)
    extra = {} if role == PATIENT else {"patient_id": patient}
    first = await fake.bus.handle(c.BookAppointment(actor, doctor, fake.at("09:00"), **extra))
    assert first.clinic_day == date(2026, 3, 2)
    with pytest.raises(exc.SameDoctorSameDay):
        await fake.bus.handle(c.BookAppointment(actor, doctor, fake.at("14:00"), **extra))
    if role != PATIENT:  # an override is about the cap, not about this rule
        with pytest.raises(exc.SameDoctorSameDay):
            await fake.bus.handle(c.BookAppointment(actor, doctor, fake.at("14:00"),
                                                    override_reason="urgent", **extra))
    await fake.bus.handle(c.BookAppointment(actor, other_doctor, fake.at("14:00"), **extra))
    await fake.bus.handle(c.BookAppointment(actor, doctor, fake.at("09:00", day=3), **extra))
    assert len(fake.store.published) == 3

    await fake.bus.handle(c.CancelAppointment(actor, first.id))  # a cancelled one holds nothing
    await fake.bus.handle(c.BookAppointment(actor, doctor, fake.at("15:00"), **extra))


async def test_the_day_is_the_clinics_not_utcs(fake) -> None:
    doctor, me = fake.doctor(hours=("00:00", "23:30")), as_(PATIENT, fake.person("patient"))
    late_monday = await fake.bus.handle(c.BookAppointment(me, doctor, fake.at("23:00")))
    early_tuesday = await fake.bus.handle(c.BookAppointment(me, doctor, fake.at("00:30", day=3)))
    # Both on 2 March in UTC, on two clinic days in Nairobi: allowed.
    assert late_monday.start.date() == early_tuesday.start.date() == date(2026, 3, 2)
    assert (late_monday.clinic_day, early_tuesday.clinic_day) == (date(2026, 3, 2),
                                                                  date(2026, 3, 3))
    # 23:00 on Tuesday in Nairobi is 3 March in UTC too, but the same clinic day as 00:30.
    with pytest.raises(exc.SameDoctorSameDay):
        await fake.bus.handle(c.BookAppointment(me, doctor, fake.at("23:00", day=3)))


async def test_reschedule_into_a_day_with_that_doctor_is_refused_and_keeps_the_original(
    fake
) -> None:
    doctor, me = fake.doctor(), as_(PATIENT, fake.person("patient"))
    monday = await fake.bus.handle(c.BookAppointment(me, doctor, fake.at("09:00")))
    tuesday = await fake.bus.handle(c.BookAppointment(me, doctor, fake.at("09:00", day=3)))
    with pytest.raises(exc.SameDoctorSameDay):
        await fake.bus.handle(c.RescheduleAppointment(me, tuesday.id, fake.at("15:00")))
    kept = await fake.bus.handle(c.GetAppointment(me, tuesday.id))
    assert (kept.start, kept.clinic_day) == (fake.at("09:00", day=3), date(2026, 3, 3))
    # Within its own day, or to a free day, it moves (and its clinic day with it).
    await fake.bus.handle(c.RescheduleAppointment(me, monday.id, fake.at("16:00")))
    moved = await fake.bus.handle(c.RescheduleAppointment(me, tuesday.id, fake.at("10:00", 4)))
    assert moved.clinic_day == date(2026, 3, 4)
    await fake.bus.handle(c.BookAppointment(me, doctor, fake.at("09:00", day=3)))


# -- the horizon ----------------------------------------------------------------------------

async def test_booking_and_rescheduling_stop_at_the_horizon(fake) -> None:
    doctor, me = fake.doctor(hours=("00:00", "23:30")), as_(PATIENT, fake.person("patient"))
    last = NOW + timedelta(days=90)  # 31 May 2026, 08:00 in Nairobi: a slot boundary
    with pytest.raises(exc.BeyondHorizon):
        await fake.bus.handle(c.BookAppointment(me, doctor, last + timedelta(minutes=30)))
    with pytest.raises(exc.BeyondHorizon):  # staff too
        await fake.bus.handle(c.BookAppointment(as_(ADMIN), doctor, NOW + timedelta(days=200),
                                                patient_id=me.user_id, override_reason="x"))
    appt = await fake.bus.handle(c.BookAppointment(me, doctor, last))
    with pytest.raises(exc.BeyondHorizon):
        await fake.bus.handle(c.RescheduleAppointment(me, appt.id, last + timedelta(days=1)))
    assert (await fake.bus.handle(c.GetAppointment(me, appt.id))).start == last
    fake.clock.set(NOW + timedelta(days=1))  # the horizon moves with the clock
    moved = await fake.bus.handle(c.RescheduleAppointment(me, appt.id, last + timedelta(days=1)))
    assert moved.start == last + timedelta(days=1)
    assert fake.names() == ["appointment_booked", "appointment_rescheduled"]
