"""Booking and rescheduling handlers over the fake unit of work."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from hms_appointments.domain import errors as exc
from hms_appointments.domain.actor import ADMIN, DOCTOR, PATIENT, RECEPTIONIST, Actor
from hms_appointments.domain.penalty import Penalty
from hms_appointments.service_layer import commands as c


def as_(role: str, user_id: uuid.UUID | None = None) -> Actor:
    return Actor(user_id or uuid.uuid4(), role)


async def test_a_patient_books_for_themselves(fake) -> None:
    doctor, me = fake.doctor(), as_(PATIENT, fake.person("patient"))
    appt = await fake.bus.handle(c.BookAppointment(me, doctor, fake.at("10:00"),
                                                   reason="fever"))
    assert (appt.patient_id, appt.booked_by, appt.urgency, appt.reason) == (
        me.user_id, me.user_id, 3, "fever")
    assert appt.end - appt.start == timedelta(minutes=30)
    [event] = fake.store.published
    assert event.name == "appointments.appointment_booked.v1"
    assert event.payload["booked_by"] == str(me.user_id) and event.payload["urgency"] == 3
    assert event.occurred_at == fake.clock.now()


async def test_urgency_is_triage_set_by_staff_not_by_the_patient(fake) -> None:
    doctor, me = fake.doctor(), as_(PATIENT, fake.person("patient"))
    with pytest.raises(exc.NotAllowed, match="triage"):
        await fake.bus.handle(c.BookAppointment(me, doctor, fake.at("10:00"), urgency=1))
    assert fake.store.published == []
    desk = await fake.bus.handle(c.BookAppointment(
        as_(RECEPTIONIST), doctor, fake.at("10:00"), patient_id=me.user_id, urgency=1))
    assert desk.urgency == 1


async def test_a_patient_may_not_book_for_someone_else(fake) -> None:
    doctor, other = fake.doctor(), fake.person("patient")
    with pytest.raises(exc.NotAllowed):
        await fake.bus.handle(c.BookAppointment(as_(PATIENT), doctor, fake.at("10:00"),
                                                patient_id=other))


@pytest.mark.parametrize("role", [ADMIN, RECEPTIONIST])
async def test_staff_book_for_a_named_patient_and_must_name_one(fake, role: str) -> None:
    doctor, patient, staff = fake.doctor(), fake.person("patient"), as_(role)
    with pytest.raises(exc.InvalidRequest):
        await fake.bus.handle(c.BookAppointment(staff, doctor, fake.at("10:00")))
    appt = await fake.bus.handle(c.BookAppointment(staff, doctor, fake.at("10:00"),
                                                   patient_id=patient))
    assert (appt.patient_id, appt.booked_by) == (patient, staff.user_id)


async def test_doctors_do_not_book(fake) -> None:
    with pytest.raises(exc.NotAllowed):
        await fake.bus.handle(c.BookAppointment(as_(DOCTOR), fake.doctor(), fake.at("10:00"),
                                                patient_id=fake.person("patient")))


async def test_unknown_doctor_or_patient_is_not_found(fake) -> None:
    desk, doctor = as_(RECEPTIONIST), fake.doctor()
    with pytest.raises(exc.DoctorNotFound):
        await fake.bus.handle(c.BookAppointment(desk, uuid.uuid4(), fake.at("10:00"),
                                                patient_id=fake.person("patient")))
    with pytest.raises(exc.DoctorNotFound):  # a patient's id is not a doctor's
        await fake.bus.handle(c.BookAppointment(desk, fake.person("patient"), fake.at("10:00"),
                                                patient_id=fake.person("patient")))
    with pytest.raises(exc.PatientNotFound):
        await fake.bus.handle(c.BookAppointment(desk, doctor, fake.at("10:00"),
                                                patient_id=uuid.uuid4()))
    assert fake.store.published == []


async def test_a_patient_not_yet_in_the_directory_may_book_with_their_token(fake) -> None:
    appt = await fake.bus.handle(c.BookAppointment(as_(PATIENT), fake.doctor(), fake.at("10:00")))
    assert appt.status == "booked"


async def test_inactive_doctor_or_patient_takes_no_booking(fake) -> None:
    desk = as_(RECEPTIONIST)
    with pytest.raises(exc.DoctorUnavailable, match="no longer active"):
        await fake.bus.handle(c.BookAppointment(desk, fake.doctor(active=False), fake.at("10:00"),
                                                patient_id=fake.person("patient")))
    with pytest.raises(exc.PatientInactive):
        await fake.bus.handle(c.BookAppointment(desk, fake.doctor(), fake.at("10:00"),
                                                patient_id=fake.person("patient", False)))


@pytest.mark.parametrize(("hhmm", "error"), [("10:10", exc.NotOnSlotBoundary),
                                             ("07:00", exc.OutsideHours),
                                             ("17:00", exc.OutsideHours)])
async def test_start_must_be_a_slot(fake, hhmm: str, error: type) -> None:
    with pytest.raises(error):
        await fake.bus.handle(c.BookAppointment(as_(PATIENT), fake.doctor(), fake.at(hhmm)))


async def test_a_start_in_the_past_is_refused_by_the_clock(fake) -> None:
    doctor = fake.doctor()
    fake.clock.set(fake.at("10:00") + timedelta(minutes=1))
    with pytest.raises(exc.SlotInPast):
        await fake.bus.handle(c.BookAppointment(as_(PATIENT), doctor, fake.at("10:00")))
    await fake.bus.handle(c.BookAppointment(as_(PATIENT), doctor, fake.at("10:30")))


async def test_a_doctor_without_hours_has_no_slots(fake) -> None:
    doctor = fake.person("doctor")
    with pytest.raises(exc.OutsideHours, match="no working hours"):
        await fake.bus.handle(c.BookAppointment(as_(PATIENT), doctor, fake.at("10:00")))


async def test_taken_slot_and_busy_patient_conflict(fake) -> None:
    doctor, other_doctor, me = fake.doctor(), fake.doctor(), as_(PATIENT)
    await fake.bus.handle(c.BookAppointment(me, doctor, fake.at("10:00")))
    with pytest.raises(exc.SlotTaken):
        await fake.bus.handle(c.BookAppointment(as_(PATIENT), doctor, fake.at("10:00")))
    with pytest.raises(exc.PatientBusy):
        await fake.bus.handle(c.BookAppointment(me, other_doctor, fake.at("10:00")))
    assert len(fake.store.appointments.rows) == len(fake.store.published) == 1


def penalise(fake, patient: uuid.UUID, count: int, days_ago: int = 1) -> None:
    for _ in range(count):
        p = Penalty(uuid.uuid4(), uuid.uuid4(), patient, uuid.uuid4(),
                    fake.clock.now() - timedelta(days=days_ago))
        fake.store.penalties[p.id] = p


async def test_three_active_penalties_stop_self_booking_but_not_staff(fake) -> None:
    doctor, patient = fake.doctor(), fake.person("patient")
    penalise(fake, patient, 3)
    with pytest.raises(exc.BookingBlocked, match="3 active no-show penalties"):
        await fake.bus.handle(c.BookAppointment(as_(PATIENT, patient), doctor, fake.at("10:00")))
    appt = await fake.bus.handle(c.BookAppointment(as_(RECEPTIONIST), doctor, fake.at("10:00"),
                                                   patient_id=patient))
    assert appt.patient_id == patient


async def test_old_or_waived_penalties_do_not_count(fake) -> None:
    doctor, patient = fake.doctor(), fake.person("patient")
    penalise(fake, patient, 2)
    penalise(fake, patient, 5, days_ago=91)
    waived = Penalty(uuid.uuid4(), uuid.uuid4(), patient, doctor, fake.clock.now(),
                     waived_at=fake.clock.now())
    fake.store.penalties[waived.id] = waived
    await fake.bus.handle(c.BookAppointment(as_(PATIENT, patient), doctor, fake.at("10:00")))


async def test_reschedule_by_owner_and_staff_not_by_other_patients(fake) -> None:
    doctor, me = fake.doctor(), as_(PATIENT)
    appt = await fake.bus.handle(c.BookAppointment(me, doctor, fake.at("10:00")))
    with pytest.raises(exc.AppointmentNotFound):
        await fake.bus.handle(c.RescheduleAppointment(as_(PATIENT), appt.id, fake.at("11:00")))
    moved = await fake.bus.handle(c.RescheduleAppointment(me, appt.id, fake.at("11:00")))
    again = await fake.bus.handle(c.RescheduleAppointment(as_(ADMIN), appt.id, fake.at("11:30")))
    assert moved.id == again.id == appt.id and again.start == fake.at("11:30")
    assert fake.names() == ["appointment_booked", "appointment_rescheduled",
                            "appointment_rescheduled"]
    by = [e.payload["rescheduled_by"] for e in fake.store.published[1:]]
    assert by[0] == str(me.user_id) and by[1] not in (None, str(me.user_id))  # the admin


async def test_reschedule_follows_booking_rules_and_state(fake) -> None:
    doctor, me = fake.doctor(), as_(PATIENT)
    appt = await fake.bus.handle(c.BookAppointment(me, doctor, fake.at("10:00")))
    await fake.bus.handle(c.BookAppointment(as_(PATIENT), doctor, fake.at("11:00")))
    for start, error in ((fake.at("11:00"), exc.SlotTaken), (fake.at("11:05"),
                         exc.NotOnSlotBoundary), (fake.at("20:00"), exc.OutsideHours)):
        with pytest.raises(error):
            await fake.bus.handle(c.RescheduleAppointment(me, appt.id, start))
    assert (await fake.bus.handle(c.GetAppointment(me, appt.id))).start == fake.at("10:00")
    await fake.bus.handle(c.CancelAppointment(me, appt.id))
    with pytest.raises(exc.IllegalTransition, match="cancelled"):
        await fake.bus.handle(c.RescheduleAppointment(me, appt.id, fake.at("12:00")))
