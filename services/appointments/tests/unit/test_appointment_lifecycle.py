"""Every legal and every illegal move of the Appointment aggregate."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from hms_appointments.domain import events as ev
from hms_appointments.domain.appointment import Appointment, Status
from hms_appointments.domain.errors import IllegalTransition, InvalidRequest, NoShowTooEarly
from hms_appointments.domain.schedule import Slot

START = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
SLOT = Slot(START, START + timedelta(minutes=30))
LATER = Slot(START + timedelta(hours=2), START + timedelta(hours=2, minutes=30))
BEFORE, AFTER = START - timedelta(hours=1), START + timedelta(minutes=20)
WEEK = timedelta(hours=24)
ACTIONS = {
    "reschedule": lambda a: a.reschedule(LATER),
    "cancel": lambda a: a.cancel(uuid.uuid4(), BEFORE, None, WEEK),
    "check_in": lambda a: a.check_in(BEFORE, UTC),
    "complete": lambda a: a.complete(AFTER, "dx", "tx"),
    "no_show": lambda a: a.mark_no_show(AFTER, "scheduler"),
}
LEGAL = {
    (Status.BOOKED, "reschedule"): (Status.BOOKED, ev.AppointmentRescheduled),
    (Status.BOOKED, "cancel"): (Status.CANCELLED, ev.AppointmentCancelled),
    (Status.BOOKED, "check_in"): (Status.CHECKED_IN, ev.PatientCheckedIn),
    (Status.BOOKED, "no_show"): (Status.NO_SHOW, ev.AppointmentNoShow),
    (Status.CHECKED_IN, "complete"): (Status.COMPLETED, ev.AppointmentCompleted),
}


def booked() -> Appointment:
    appt = Appointment.book(patient_id=uuid.uuid4(), doctor_id=uuid.uuid4(), slot=SLOT,
                            urgency=2, reason="cough", booked_by=uuid.uuid4(), now=BEFORE)
    appt.events.clear()
    return appt


def in_status(status: Status) -> Appointment:
    appt = booked()
    appt.status = status
    return appt


def test_booking_records_the_booked_event() -> None:
    by = uuid.uuid4()
    appt = Appointment.book(patient_id=uuid.uuid4(), doctor_id=uuid.uuid4(), slot=SLOT,
                            urgency=1, reason=None, booked_by=by, now=BEFORE)
    assert appt.status is Status.BOOKED and appt.is_active
    assert appt.events == [ev.AppointmentBooked(appt.id, appt.patient_id, appt.doctor_id,
                                                SLOT.start, SLOT.end, 1, by)]


@pytest.mark.parametrize("urgency", [0, 6, -1])
def test_urgency_outside_1_to_5_is_refused(urgency: int) -> None:
    with pytest.raises(InvalidRequest):
        Appointment.book(patient_id=uuid.uuid4(), doctor_id=uuid.uuid4(), slot=SLOT,
                         urgency=urgency, reason=None, booked_by=uuid.uuid4(), now=BEFORE)


def test_a_reason_over_500_characters_is_refused() -> None:
    with pytest.raises(InvalidRequest):
        Appointment.book(patient_id=uuid.uuid4(), doctor_id=uuid.uuid4(), slot=SLOT,
                         urgency=3, reason="x" * 501, booked_by=uuid.uuid4(), now=BEFORE)


@pytest.mark.parametrize(("status", "action"), list(LEGAL))
def test_legal_transitions_change_status_and_record_one_event(status, action) -> None:
    appt = in_status(status)
    ACTIONS[action](appt)
    expected_status, expected_event = LEGAL[(status, action)]
    assert appt.status is expected_status
    assert [type(e) for e in appt.events] == [expected_event]


ILLEGAL = [(s, a) for s in Status for a in ACTIONS if (s, a) not in LEGAL]


@pytest.mark.parametrize(("status", "action"), ILLEGAL)
def test_illegal_transitions_raise_with_the_current_status(status, action) -> None:
    appt = in_status(status)
    with pytest.raises(IllegalTransition) as raised:
        ACTIONS[action](appt)
    assert raised.value.problem_extra == {"current_status": status.value}
    assert appt.status is status and appt.events == []


def test_there_are_twenty_illegal_moves() -> None:
    assert len(ILLEGAL) == len(Status) * len(ACTIONS) - len(LEGAL) == 20


def test_reschedule_keeps_the_id_and_reports_old_and_new_times() -> None:
    appt = booked()
    appt.reschedule(LATER)
    assert (appt.start, appt.end) == (LATER.start, LATER.end)
    assert appt.events == [ev.AppointmentRescheduled(appt.id, SLOT.start, LATER.start, LATER.end,
                                                     appt.patient_id, appt.doctor_id)]


@pytest.mark.parametrize(("hours_before", "late"), [(48, False), (24, False), (23.99, True),
                                                    (1, True), (-0.1, True)])
def test_cancel_is_late_inside_the_window(hours_before: float, late: bool) -> None:
    appt, by = booked(), uuid.uuid4()
    appt.cancel(by, START - timedelta(hours=hours_before), "busy", timedelta(hours=24))
    assert appt.late_cancel is late and appt.cancel_reason == "busy" and appt.cancelled_by == by
    assert appt.events == [ev.AppointmentCancelled(appt.id, appt.patient_id, appt.doctor_id,
                                                   by, late)]


def test_a_no_show_cannot_be_marked_before_the_start() -> None:
    appt = booked()
    with pytest.raises(NoShowTooEarly):
        appt.mark_no_show(START - timedelta(seconds=1), str(uuid.uuid4()))
    appt.mark_no_show(START, "scheduler")
    assert appt.status is Status.NO_SHOW and appt.no_show_marked_by == "scheduler"


def test_completion_keeps_clinical_notes_out_of_the_event() -> None:
    appt = in_status(Status.CHECKED_IN)
    appt.complete(AFTER, "secret diagnosis", "secret treatment")
    assert (appt.diagnosis, appt.treatment) == ("secret diagnosis", "secret treatment")
    assert "secret" not in repr(appt.events)
