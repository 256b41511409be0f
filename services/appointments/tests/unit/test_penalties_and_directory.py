"""The penalty policy, penalties themselves, and the directory's merge rules."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from hms_appointments.domain import events as ev
from hms_appointments.domain.appointment import Appointment
from hms_appointments.domain.directory import Person
from hms_appointments.domain.errors import BookingBlocked, IllegalTransition
from hms_appointments.domain.penalty import Penalty
from hms_appointments.domain.rules import PenaltyPolicy
from hms_appointments.domain.schedule import Slot

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(("active", "blocked"), [(0, False), (2, False), (3, True), (7, True)])
def test_self_booking_is_blocked_from_the_limit_on(active: int, blocked: bool) -> None:
    policy = PenaltyPolicy(limit=3, window=timedelta(days=90))
    if not blocked:
        policy.check_self_booking(active)
        return
    with pytest.raises(BookingBlocked) as raised:
        policy.check_self_booking(active)
    assert f"{active} active no-show penalties" in str(raised.value)
    assert "90 days" in str(raised.value) and "limit is 3" in str(raised.value)
    assert raised.value.problem_extra == {"active_penalties": active, "limit": 3,
                                          "window_days": 90}


def test_the_window_is_counted_back_from_now() -> None:
    assert PenaltyPolicy(3, timedelta(days=90)).window_start(NOW) == NOW - timedelta(days=90)


def penalty(created_at: datetime = NOW) -> Penalty:
    slot = Slot(NOW, NOW + timedelta(minutes=30))
    appt = Appointment.book(patient_id=uuid.uuid4(), doctor_id=uuid.uuid4(), slot=slot,
                            urgency=3, reason=None, booked_by=uuid.uuid4(), now=NOW)
    return Penalty.for_no_show(appt, created_at)


def test_a_penalty_is_active_until_waived_or_out_of_the_window() -> None:
    window = timedelta(days=90)
    assert penalty(NOW - timedelta(days=89)).is_active(NOW, window)
    assert not penalty(NOW - timedelta(days=90)).is_active(NOW, window)
    waived = penalty()
    waived.waive(uuid.uuid4(), "hospital transport failed", NOW)
    assert not waived.is_active(NOW, window)


def test_waiving_records_the_event_once_and_twice_is_illegal() -> None:
    p, admin = penalty(), uuid.uuid4()
    p.waive(admin, "ok", NOW)
    assert p.events == [ev.PenaltyWaived(p.id, p.patient_id, admin)]
    with pytest.raises(IllegalTransition) as raised:
        p.waive(admin, "again", NOW)
    assert raised.value.problem_extra == {"current_status": "waived"}


def test_applied_carries_the_active_count() -> None:
    p = penalty()
    p.applied(active_penalties=2)
    assert p.events == [ev.NoShowPenaltyApplied(p.id, p.appointment_id, p.patient_id,
                                                p.doctor_id, 2)]


def test_registration_after_a_later_update_only_fills_gaps() -> None:
    person = Person(uuid.uuid4(), None, "", room="9", active=False)  # from an update/deactivation
    person.fill_from_registration("doctor", "Dr A", "Surgery", "1")
    assert (person.role, person.full_name, person.department, person.room, person.active) == (
        "doctor", "Dr A", "Surgery", "9", False)


def test_changes_apply_only_to_kept_attributes_and_never_blank_a_name() -> None:
    person = Person(uuid.uuid4(), "doctor", "Dr B", "General", "2")
    person.apply_changes({"room": None, "full_name": None, "email": "x@y.z", "active": False})
    assert (person.full_name, person.room, person.active) == ("Dr B", None, False)
    assert not hasattr(person, "email")
