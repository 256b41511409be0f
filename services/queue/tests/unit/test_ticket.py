"""Every legal and illegal move of a ticket, its history and its events; numbering."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from hms_platform.testing.clock import FakeClock
from hms_queue.domain import errors as exc
from hms_queue.domain import events as ev
from hms_queue.domain.actor import RECEPTIONIST, Actor
from hms_queue.domain.numbering import label, line_letter
from hms_queue.domain.ticket import Ticket

T0 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
DOCTOR = uuid.uuid4()


def ticket(clock: FakeClock, urgency: int = 3) -> Ticket:
    return Ticket.issue(doctor_id=DOCTOR, clinic_day=date(2026, 3, 2), letter="A", number=12,
                        patient_id=uuid.uuid4(), urgency=urgency, source="walk_in",
                        now=clock.now(), by=uuid.uuid4())


def test_numbers_are_a_letter_per_line_and_a_padded_counter() -> None:
    assert label("A", 12) == "A-012"
    assert label(line_letter(1), 7) == "B-007"
    assert line_letter(27) == "B"
    assert ticket(FakeClock(T0)).label == "A-012"


@pytest.mark.parametrize("urgency", [0, 6, -1])
def test_urgency_outside_1_to_5_is_refused(urgency: int) -> None:
    with pytest.raises(exc.InvalidUrgency):
        ticket(FakeClock(T0), urgency)


def test_call_then_serve_reports_wait_and_visit_lengths() -> None:
    clock = FakeClock(T0)
    t = ticket(clock)
    clock.advance(minutes=20)
    t.call(clock.now(), DOCTOR, "12")
    clock.advance(minutes=9)
    assert t.serve(clock.now(), DOCTOR) == 9 * 60
    called, served = t.events
    assert isinstance(called, ev.PatientCalled) and called.room == "12" and called.number == 12
    assert isinstance(served, ev.PatientServed)
    assert (served.waited_seconds, served.service_seconds) == (20 * 60, 9 * 60)
    assert [h.action for h in t.history] == ["issued", "called", "served"]
    assert t.status == "served"


def test_a_ticket_not_called_cannot_be_served_or_missed() -> None:
    t = ticket(FakeClock(T0))
    for move in (lambda: t.serve(T0, DOCTOR), lambda: t.miss(T0, DOCTOR)):
        with pytest.raises(exc.IllegalTransition) as raised:
            move()
        assert raised.value.problem_extra == {"current_status": "waiting"}


def test_a_missed_call_goes_to_the_back_once_then_the_ticket_is_missed() -> None:
    clock = FakeClock(T0)
    t = ticket(clock)
    t.call(clock.advance(minutes=5), DOCTOR, "1")
    t.miss(clock.advance(minutes=2), DOCTOR)
    assert (t.status, t.queued_at, t.arrived_at, t.misses) == ("waiting", clock.now(), T0, 1)
    t.call(clock.advance(minutes=30), DOCTOR, "1")
    t.miss(clock.advance(minutes=2), DOCTOR)
    assert t.status == "missed" and isinstance(t.events[-1], ev.TicketMissed)
    assert [h.action for h in t.history] == ["issued", "called", "requeued", "called", "missed"]
    with pytest.raises(exc.IllegalTransition):
        t.call(clock.now(), DOCTOR, "1")


def test_cancel_only_while_active() -> None:
    t = ticket(FakeClock(T0))
    t.cancel(T0, t.patient_id, "left")
    assert t.status == "cancelled" and isinstance(t.events[-1], ev.TicketCancelled)
    with pytest.raises(exc.IllegalTransition):
        t.cancel(T0, t.patient_id, "left")


def test_urgency_change_and_transfer_are_kept_with_who_and_when() -> None:
    clock = FakeClock(T0)
    t, desk, other = ticket(clock), Actor(uuid.uuid4(), RECEPTIONIST), uuid.uuid4()
    t.change_urgency(1, clock.advance(minutes=3), desk)
    t.transfer(other, date(2026, 3, 2), "B", 4, clock.advance(minutes=1), desk)
    assert (t.urgency, t.doctor_id, t.label, t.queued_at) == (1, other, "B-004", T0)
    changes = [e for e in t.events if isinstance(e, ev.TicketChanged)]
    assert [(c.urgency, c.doctor_id, c.changed_by) for c in changes] == [
        (1, None, desk.user_id), (None, other, desk.user_id)]
    assert [(h.action, h.by, h.at) for h in t.history[1:]] == [
        ("urgency_changed", desk.user_id, T0 + timedelta(minutes=3)),
        ("transferred", desk.user_id, T0 + timedelta(minutes=4))]
    with pytest.raises(exc.InvalidUrgency):
        t.change_urgency(6, clock.now(), desk)


def test_turn_approaching_is_recorded_once() -> None:
    t = ticket(FakeClock(T0))
    t.approach(3, 30)
    t.approach(1, 10)
    assert [type(e) for e in t.events] == [ev.TurnApproaching]
