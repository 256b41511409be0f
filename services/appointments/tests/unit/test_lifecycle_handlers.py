"""Lifecycle, no-show and penalty handlers over the fake unit of work, timed by FakeClock."""

from __future__ import annotations

import uuid

import pytest

from hms_appointments.domain import errors as exc
from hms_appointments.domain.actor import ADMIN, DOCTOR, PATIENT, RECEPTIONIST, Actor
from hms_appointments.service_layer import commands as c


def as_(role: str, user_id: uuid.UUID | None = None) -> Actor:
    return Actor(user_id or uuid.uuid4(), role)


@pytest.fixture
async def booked(fake):
    doctor = fake.doctor()
    patient = as_(PATIENT, fake.person("patient"))
    appt = await fake.bus.handle(c.BookAppointment(patient, doctor, fake.at("10:00", day=3)))
    fake.store.published.clear()
    return appt, patient, as_(DOCTOR, doctor)


@pytest.mark.parametrize(("now", "late"), [("09:59", False), ("10:01", True)])
async def test_cancel_sets_late_inside_24_hours(fake, booked, now: str, late: bool) -> None:
    appt, patient, _ = booked
    fake.clock.set(fake.at(now, day=2))  # the day before, just outside / inside 24 h
    cancelled = await fake.bus.handle(c.CancelAppointment(patient, appt.id, "travel"))
    assert cancelled.late_cancel is late and cancelled.status == "cancelled"
    [event] = fake.store.published
    assert event.payload["late"] is late and event.payload["cancelled_by"] == str(patient.user_id)


async def test_who_may_cancel(fake, booked) -> None:
    appt, _, doctor = booked
    with pytest.raises(exc.AppointmentNotFound):
        await fake.bus.handle(c.CancelAppointment(as_(PATIENT), appt.id))
    with pytest.raises(exc.NotAllowed):
        await fake.bus.handle(c.CancelAppointment(doctor, appt.id))
    await fake.bus.handle(c.CancelAppointment(as_(RECEPTIONIST), appt.id))
    with pytest.raises(exc.IllegalTransition):
        await fake.bus.handle(c.CancelAppointment(as_(ADMIN), appt.id))


async def test_check_in_then_complete_by_that_doctor_only(fake, booked) -> None:
    appt, patient, doctor = booked
    with pytest.raises(exc.NotAllowed):
        await fake.bus.handle(c.CheckIn(patient, appt.id))
    fake.clock.set(fake.at("09:50", day=3))
    desk = as_(RECEPTIONIST)
    checked = await fake.bus.handle(c.CheckIn(desk, appt.id))
    assert checked.checked_in_at == fake.clock.now()
    with pytest.raises(exc.AppointmentNotFound):  # another doctor does not see it
        await fake.bus.handle(c.CompleteAppointment(as_(DOCTOR), appt.id, "dx", "tx"))
    with pytest.raises(exc.NotAllowed):
        await fake.bus.handle(c.CompleteAppointment(as_(ADMIN), appt.id, "dx", "tx"))
    done = await fake.bus.handle(c.CompleteAppointment(doctor, appt.id, "flu", "rest"))
    assert (done.status, done.diagnosis, done.treatment) == ("completed", "flu", "rest")
    assert fake.names() == ["patient_checked_in", "appointment_completed"]
    checked_in, completed = fake.store.published
    assert checked_in.payload["urgency"] == 3
    assert checked_in.payload["checked_in_by"] == str(desk.user_id)  # who, for the audit
    assert "flu" not in completed.to_json().decode() and "rest" not in completed.to_json().decode()


async def test_manual_no_show_after_start_gives_one_penalty(fake, booked) -> None:
    appt = booked[0]
    desk = as_(RECEPTIONIST)
    with pytest.raises(exc.NoShowTooEarly):
        await fake.bus.handle(c.MarkNoShow(desk, appt.id))
    fake.clock.set(fake.at("10:05", day=3))
    marked = await fake.bus.handle(c.MarkNoShow(desk, appt.id))
    assert marked.no_show_marked_by == str(desk.user_id)
    assert fake.names() == ["appointment_no_show", "no_show_penalty_applied"]
    assert fake.store.published[1].payload["active_penalties"] == 1
    with pytest.raises(exc.IllegalTransition) as raised:
        await fake.bus.handle(c.MarkNoShow(desk, appt.id))
    assert raised.value.problem_extra == {"current_status": "no_show"}
    assert len(fake.store.penalties) == 1


async def test_the_scheduler_marks_after_the_grace_period(fake, booked) -> None:
    appt = booked[0]
    fake.clock.set(fake.at("10:14", day=3))
    assert await fake.bus.handle(c.MarkNoShows()) == 0
    fake.clock.set(fake.at("10:15", day=3))
    assert await fake.bus.handle(c.MarkNoShows()) == 1
    assert await fake.bus.handle(c.MarkNoShows()) == 0
    stored = fake.store.appointments.rows[appt.id]
    assert (stored.status, stored.no_show_marked_by) == ("no_show", "scheduler")
    assert fake.names() == ["appointment_no_show", "no_show_penalty_applied"]


async def test_the_scheduler_works_in_batches_and_skips_checked_in(fake) -> None:
    doctor, desk = fake.doctor(), as_(RECEPTIONIST)
    ids = [(await fake.bus.handle(c.BookAppointment(as_(PATIENT), doctor, fake.at(t)))).id
           for t in ("09:00", "09:30", "10:00", "10:30", "11:00")]
    await fake.bus.handle(c.CheckIn(desk, ids[0]))
    fake.clock.set(fake.at("12:00"))
    assert await fake.bus.handle(c.MarkNoShows(batch_size=2)) == 4
    assert fake.store.appointments.rows[ids[0]].status == "checked_in"
    assert len(fake.store.penalties) == 4


async def test_the_penalty_count_in_the_event_grows(fake) -> None:
    patient = fake.person("patient")
    for hhmm in ("09:00", "10:00", "11:00"):  # one doctor each: one visit per doctor a day
        await fake.bus.handle(c.BookAppointment(as_(RECEPTIONIST), fake.doctor(), fake.at(hhmm),
                                                patient_id=patient))
    fake.clock.set(fake.at("13:00"))
    await fake.bus.handle(c.MarkNoShows())
    counts = [e.payload["active_penalties"] for e in fake.store.published
              if e.name.endswith("no_show_penalty_applied.v1")]
    assert counts == [1, 2, 3]


async def test_penalties_are_listed_per_patient_and_waived_by_admin(fake, booked) -> None:
    appt, patient, doctor = booked
    fake.clock.set(fake.at("11:00", day=3))
    await fake.bus.handle(c.MarkNoShows())
    with pytest.raises(exc.NotAllowed):
        await fake.bus.handle(c.ListPenalties(as_(PATIENT), patient_id=patient.user_id))
    with pytest.raises(exc.NotAllowed):
        await fake.bus.handle(c.ListPenalties(doctor))
    assert (await fake.bus.handle(c.ListPenalties(as_(PATIENT)))).total == 0
    [view] = (await fake.bus.handle(c.ListPenalties(patient))).items
    assert view.active and view.penalty.appointment_id == appt.id
    with pytest.raises(exc.NotAllowed):
        await fake.bus.handle(c.WaivePenalty(as_(RECEPTIONIST), view.penalty.id, "ok"))
    with pytest.raises(exc.PenaltyNotFound):
        await fake.bus.handle(c.WaivePenalty(as_(ADMIN), uuid.uuid4(), "ok"))
    admin = as_(ADMIN)
    waived = await fake.bus.handle(c.WaivePenalty(admin, view.penalty.id, "bus strike"))
    assert not waived.active and waived.penalty.waived_by == admin.user_id
    assert fake.store.published[-1].payload == {"penalty_id": str(view.penalty.id),
                                                "patient_id": str(patient.user_id),
                                                "waived_by": str(admin.user_id)}
    [after] = (await fake.bus.handle(c.ListPenalties(as_(RECEPTIONIST),
                                                     patient_id=patient.user_id))).items
    assert not after.active


async def test_a_failed_handler_publishes_nothing_and_changes_nothing(fake, booked) -> None:
    appt = booked[0]
    with pytest.raises(exc.NoShowTooEarly):
        await fake.bus.handle(c.MarkNoShow(as_(ADMIN), appt.id))
    assert fake.store.published == [] and fake.store.penalties == {}
    assert fake.store.appointments.rows[appt.id].status == "booked"


async def test_a_patient_cannot_cancel_or_move_once_the_appointment_has_started(
    fake, booked
) -> None:
    """Otherwise a patient who missed it could cancel at 10:10 and dodge the no-show penalty."""
    appt, patient, _ = booked
    fake.clock.set(fake.at("10:10", day=3))
    with pytest.raises(exc.AlreadyStarted):
        await fake.bus.handle(c.CancelAppointment(patient, appt.id))
    with pytest.raises(exc.AlreadyStarted):
        await fake.bus.handle(c.RescheduleAppointment(patient, appt.id, fake.at("11:00", day=3)))
    assert fake.store.published == []
    moved = await fake.bus.handle(  # the desk still can: the patient is there, late
        c.RescheduleAppointment(as_(RECEPTIONIST), appt.id, fake.at("11:00", day=3)))
    assert moved.start == fake.at("11:00", day=3)


async def test_check_in_only_on_the_appointments_day(fake, booked) -> None:
    appt, _, _ = booked
    desk = as_(RECEPTIONIST)
    fake.clock.set(fake.at("16:00", day=2))  # the day before: the queue must not get it yet
    with pytest.raises(exc.NotCheckInDay):
        await fake.bus.handle(c.CheckIn(desk, appt.id))
    fake.clock.set(fake.at("07:30", day=3))  # early on the day is fine
    assert (await fake.bus.handle(c.CheckIn(desk, appt.id))).status == "checked_in"


async def test_only_the_doctor_reading_the_notes_is_recorded(fake, booked) -> None:
    appt, patient, doctor = booked
    await fake.bus.handle(c.GetAppointment(doctor, appt.id))  # no notes yet
    fake.clock.set(fake.at("09:50", day=3))
    await fake.bus.handle(c.CheckIn(as_(RECEPTIONIST), appt.id))
    await fake.bus.handle(c.CompleteAppointment(doctor, appt.id, "flu", "rest"))
    fake.store.published.clear()
    await fake.bus.handle(c.GetAppointment(patient, appt.id))
    await fake.bus.handle(c.GetAppointment(as_(RECEPTIONIST), appt.id))
    assert fake.names() == []
    await fake.bus.handle(c.GetAppointment(doctor, appt.id))
    await fake.bus.handle(c.ListAppointments(doctor, None, None, None, None, 20, 0))
    assert fake.names() == ["clinical_record_read"] * 2
    payload = fake.store.published[0].payload
    assert (payload["reader_id"], payload["patient_id"]) == (
        str(doctor.user_id), str(patient.user_id))
