"""The cap on a patient's own cancellations (book-and-cancel loops flooded a phone with SMS):
as a rule, from settings, and through the handlers over the fakes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hms_appointments.config import AppointmentsSettings
from hms_appointments.domain import errors as exc
from hms_appointments.domain.actor import ADMIN, PATIENT, RECEPTIONIST, Actor
from hms_appointments.domain.rules import CancellationLimit
from hms_appointments.service_layer import commands as c

NOW = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)  # Monday 08:00 in Nairobi
NAIROBI = ZoneInfo("Africa/Nairobi")


def ago(**kwargs: float) -> datetime:
    return NOW - timedelta(**kwargs)


# -- the rule as a value ------------------------------------------------------------------------

@pytest.mark.parametrize("cancelled", [[], [ago(hours=1)], [ago(hours=3), ago(hours=1)]])
def test_under_the_cap_nothing_is_refused(cancelled: list[datetime]) -> None:
    CancellationLimit(max_per_window=3).check(cancelled, NOW, NAIROBI)


def test_at_the_cap_the_answer_says_when_the_oldest_leaves_the_window() -> None:
    cancelled = [ago(hours=2), ago(hours=20), ago(minutes=5)]  # in any order
    with pytest.raises(exc.TooManyCancellations) as raised:
        CancellationLimit(max_per_window=3).check(cancelled, NOW, NAIROBI)
    error = raised.value
    retry_at = ago(hours=20) + timedelta(hours=24)  # 09:00Z, 12:00 in the clinic
    assert error.problem_extra == {
        "cancellations": 3, "limit": 3, "window_hours": 24,
        "retry_at": retry_at.isoformat(), "retry_after": 4 * 3600,
        "headers": {"Retry-After": str(4 * 3600)}}
    assert "cancelled 3 appointments in the last 24 hours" in str(error)
    assert "again from 2026-03-02 12:00 clinic time" in str(error)
    assert error.problem_title == "Too many cancellations today"
    assert error.problem_type.endswith("/too-many-cancellations")


def test_over_a_lowered_cap_enough_of_them_must_leave_the_window() -> None:
    cancelled = [ago(hours=h) for h in (23, 20, 10, 5, 1)]
    with pytest.raises(exc.TooManyCancellations) as raised:
        CancellationLimit(max_per_window=2).check(cancelled, NOW, NAIROBI)
    # Five counted, two allowed: under the cap once four have gone (the one 5 h ago).
    assert raised.value.problem_extra["retry_at"] == (ago(hours=5) + timedelta(hours=24)
                                                      ).isoformat()


def test_the_window_is_a_rolling_day_and_its_edge_no_longer_counts() -> None:
    limit = CancellationLimit(max_per_window=1)
    assert limit.window_start(NOW) == ago(hours=24)
    with pytest.raises(exc.TooManyCancellations) as raised:
        limit.check([ago(hours=24) + timedelta(seconds=0.5)], NOW, NAIROBI)
    assert raised.value.problem_extra["retry_after"] == 1  # never "Retry-After: 0"


def test_settings_give_the_cap(monkeypatch) -> None:
    limit = AppointmentsSettings().rules().cancellations
    assert (limit.max_per_window, limit.window) == (3, timedelta(hours=24))
    monkeypatch.setenv("APPOINTMENTS_MAX_CANCELLATIONS_PER_DAY", "5")
    assert AppointmentsSettings().rules().cancellations.max_per_window == 5
    with pytest.raises(ValueError):
        AppointmentsSettings(max_cancellations_per_day=0)


# -- through the handlers -------------------------------------------------------------------

async def test_book_and_cancel_loops_stop_at_the_cap_for_booking_and_cancelling(fake) -> None:
    me = Actor(fake.person("patient"), PATIENT)
    doctor = fake.doctor()
    held = await fake.bus.handle(c.BookAppointment(me, doctor, fake.at("09:00", day=4)))
    for _ in range(3):
        fake.clock.advance(minutes=1)
        appt = await fake.bus.handle(c.BookAppointment(me, doctor, fake.at("10:00")))
        await fake.bus.handle(c.CancelAppointment(me, appt.id))
    sent = len(fake.store.published)

    with pytest.raises(exc.TooManyCancellations) as booking:
        await fake.bus.handle(c.BookAppointment(me, doctor, fake.at("10:00")))
    with pytest.raises(exc.TooManyCancellations):
        await fake.bus.handle(c.CancelAppointment(me, held.id))
    assert len(fake.store.published) == sent  # nothing more to message the patient about
    assert (await fake.bus.handle(c.GetAppointment(me, held.id))).status == "booked"
    # The first of the three went at 08:01; a day later the patient may act again.
    assert booking.value.problem_extra["retry_at"] == (NOW + timedelta(minutes=1, hours=24)
                                                       ).isoformat()
    # Every booking and cancellation of theirs counted under the patient's lock: 1 + 3 * 2 + 2.
    assert fake.store.appointments.locked == [me.user_id] * 9

    fake.clock.set(NOW + timedelta(hours=24, minutes=1))
    await fake.bus.handle(c.CancelAppointment(me, held.id))


@pytest.mark.parametrize("role", [RECEPTIONIST, ADMIN])
async def test_staff_cancellations_do_not_count_and_staff_are_not_held_back(
    fake, role: str
) -> None:
    patient, desk = fake.person("patient"), Actor(uuid.uuid4(), role)
    me, doctor = Actor(patient, PATIENT), fake.doctor()
    for _ in range(4):  # the desk cancelling for the patient: not the patient's loop
        appt = await fake.bus.handle(c.BookAppointment(me, doctor, fake.at("10:00")))
        await fake.bus.handle(c.CancelAppointment(desk, appt.id))
    for _ in range(3):
        appt = await fake.bus.handle(c.BookAppointment(me, doctor, fake.at("10:00")))
        await fake.bus.handle(c.CancelAppointment(me, appt.id))
    with pytest.raises(exc.TooManyCancellations):
        await fake.bus.handle(c.BookAppointment(me, doctor, fake.at("10:00")))
    # Reception can still help the patient: book for them and cancel for them.
    appt = await fake.bus.handle(c.BookAppointment(desk, doctor, fake.at("10:00"),
                                                   patient_id=patient))
    cancelled = await fake.bus.handle(c.CancelAppointment(desk, appt.id))
    assert cancelled.status == "cancelled" and cancelled.cancelled_by == desk.user_id
