"""The offline last-write rule (hms_platform.last_write): staff over patient whatever the
clocks, otherwise the later time; future client times clamped, too old ones refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hms_platform.last_write import (
    APPLIED,
    SUPERSEDED,
    ClientTimeTooOld,
    Write,
    outcome,
    wins,
)

NOW = datetime(2026, 3, 2, 10, 5, tzinfo=UTC)
EARLY, LATE = NOW - timedelta(minutes=4), NOW - timedelta(minutes=3)


@pytest.mark.parametrize(("stored_at", "stored_staff", "at", "staff", "expected"), [
    (None, False, EARLY, False, True),  # never written: any write wins
    (EARLY, False, LATE, False, True),  # patient after patient: the later time
    (LATE, False, EARLY, False, False),
    (EARLY, True, LATE, True, True),  # staff after staff: the later time
    (LATE, True, EARLY, True, False),
    (EARLY, True, LATE, False, False),  # patient over staff: never, whichever clock is ahead
    (LATE, True, EARLY, False, False),
    (EARLY, False, LATE, True, True),  # staff over patient: always, whichever clock is ahead
    (LATE, False, EARLY, True, True),
    (LATE, True, LATE, True, True),  # a tie goes to the newcomer
])
def test_the_rule_table(stored_at: datetime | None, stored_staff: bool, at: datetime,
                        staff: bool, expected: bool) -> None:
    assert wins(stored_at, stored_staff, at, staff) is expected


@pytest.mark.parametrize("first_staff", [True, False])
@pytest.mark.parametrize("staff_clock_ahead", [True, False])
def test_staff_value_stays_in_both_orders_and_either_clock(first_staff: bool,
                                                           staff_clock_ahead: bool) -> None:
    staff_at, patient_at = (LATE, EARLY) if staff_clock_ahead else (EARLY, LATE)
    writes = [("staff", Write.of(staff_at, NOW, role="receptionist")),
              ("patient", Write.of(patient_at, NOW, role="patient"))]
    if not first_staff:
        writes.reverse()
    value, times = None, {}
    for who, write in writes:
        if write.may_write(times, "phone_number"):
            value, times = who, write.stamp(times, ["phone_number"])
    assert value == "staff"
    assert times["phone_number"]["staff"] is True


def test_a_future_client_time_counts_as_now() -> None:
    write = Write.of(NOW + timedelta(days=3), NOW, role="patient")
    assert write.at == NOW and write.offline
    later = Write.of(NOW + timedelta(minutes=1), NOW + timedelta(minutes=1), role="patient")
    assert later.may_write(write.stamp({}, ["full_name"]), "full_name")


def test_a_client_time_older_than_the_setting_is_refused() -> None:
    with pytest.raises(ClientTimeTooOld, match="older than 7 days"):
        Write.of(NOW - timedelta(days=7, seconds=1), NOW, role="doctor")
    with pytest.raises(ClientTimeTooOld, match="older than 2 days"):
        Write.of(NOW - timedelta(days=3), NOW, role="doctor", max_age_days=2)
    assert ClientTimeTooOld.status == 422
    assert Write.of(NOW - timedelta(days=6), NOW, role="doctor").offline


def test_a_live_write_always_applies_and_stamps_now() -> None:
    stored = Write.of(LATE, NOW, role="admin").stamp({}, ["urgency"])
    live = Write.of(None, NOW, role="patient")
    assert live.may_write(stored, "urgency") and not live.offline
    assert live.stamp(stored, ["urgency"])["urgency"] == {"at": NOW.isoformat(), "staff": False}
    assert outcome(live, True) is None
    offline = Write.of(EARLY, NOW, role="patient")
    assert (outcome(offline, True), outcome(offline, False)) == (APPLIED, SUPERSEDED)
