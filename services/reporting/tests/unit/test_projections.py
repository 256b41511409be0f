"""Each read model gives the same rows for the same facts in order, shuffled and duplicated:
a later status is never overwritten by an earlier one arriving late. Facts are folded the way
``service_layer.recording.record_event`` applies each one: its row (new if missing), its merge."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hms_reporting.domain.facts import Fact
from hms_reporting.domain.projections import target
from hms_reporting.domain.rows import (
    AppointmentRow,
    NotificationRow,
    PenaltyRow,
    PersonRow,
    Row,
    TicketRow,
)

TZ = ZoneInfo("Africa/Nairobi")
T0 = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)  # 08:00 in Nairobi
DOCTOR, PATIENT, DESK = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def fact(name: str, minutes: int, **data: object) -> Fact:
    return Fact(str(uuid.uuid4()), name, T0 + timedelta(minutes=minutes), data)


def appointment_facts(a: uuid.UUID, outcome: str) -> list[Fact]:
    ids = {"appointment_id": a, "patient_id": PATIENT, "doctor_id": DOCTOR}
    start = T0 + timedelta(days=1)
    facts = [fact("appointments.appointment_booked.v1", 0, **ids, start=start, booked_by=DESK),
             fact("appointments.appointment_rescheduled.v1", 5, appointment_id=a,
                  old_start=start, new_start=start + timedelta(hours=20))]
    if outcome == "completed":
        facts += [fact("appointments.patient_checked_in.v1", 1460, **ids),
                  fact("appointments.appointment_completed.v1", 1500, **ids)]
    else:
        facts.append(fact(f"appointments.appointment_{outcome}.v1", 1600, **ids,
                          start=start + timedelta(hours=20)))
    return facts


def ticket_facts(t: uuid.UUID, outcome: str) -> list[Fact]:
    ids = {"ticket_id": t, "patient_id": PATIENT, "doctor_id": DOCTOR}
    facts = [fact("queue.ticket_issued.v1", 10, **ids), fact("queue.patient_called.v1", 30, **ids)]
    if outcome == "served":
        facts.append(fact("queue.patient_served.v1", 45, **ids, waited_seconds=1200,
                          service_seconds=900))
    else:
        facts.append(fact("queue.ticket_missed.v1", 40, **ids))
    return facts


def all_facts() -> list[Fact]:
    p = uuid.uuid4()
    n = uuid.uuid4()
    delivery = {"notification_id": n, "recipient_id": PATIENT, "channel": "sms",
                "kind": "appointment_booked", "dedup_key": "k"}
    return [
        *appointment_facts(uuid.uuid4(), "completed"),
        *appointment_facts(uuid.uuid4(), "no_show"),
        *appointment_facts(uuid.uuid4(), "cancelled"),
        *ticket_facts(uuid.uuid4(), "served"), *ticket_facts(uuid.uuid4(), "missed"),
        fact("appointments.no_show_penalty_applied.v1", 1601, penalty_id=p,
             appointment_id=uuid.uuid4(), patient_id=PATIENT, doctor_id=DOCTOR,
             active_penalties=1),
        fact("appointments.penalty_waived.v1", 1700, penalty_id=p, patient_id=PATIENT,
             waived_by=DESK),
        fact("notifications.notification_failed.v1", 1, **delivery, attempts=1),
        fact("notifications.notification_sent.v1", 2, **delivery, attempts=2),
        fact("auth.user_registered.v1", -10, user_id=DOCTOR, role="doctor", full_name="Dr Old"),
        fact("auth.user_updated.v1", -5, user_id=DOCTOR, changed=["full_name"],
             full_name="Dr New", role=None),
        fact("auth.user_deactivated.v1", -1, user_id=DOCTOR),
    ]


def fold(facts: list[Fact]) -> dict[tuple[type[Row], object], Row]:
    """No deduplication here (the event store does it): a duplicate is merged again."""
    rows: dict[tuple[type[Row], object], Row] = {}
    for f in facts:
        if (found := target(f)) is not None:
            cls, key, merge = found
            merge(rows.setdefault((cls, key), cls(key)), f, TZ)
    return rows


@pytest.mark.parametrize("seed", range(25))
def test_shuffled_and_duplicated_facts_give_the_rows_of_the_ordered_ones(seed: int) -> None:
    facts = all_facts()
    expected = fold(facts)
    rng = random.Random(seed)
    mixed = facts + rng.sample(facts, k=len(facts) // 2)
    rng.shuffle(mixed)
    assert fold(mixed) == expected


def test_rows_in_order_say_what_happened() -> None:
    rows = list(fold(all_facts()).values())
    appointments = [r for r in rows if isinstance(r, AppointmentRow)]
    assert sorted(str(r.status) for r in appointments) == ["cancelled", "completed", "no_show"]
    # the rescheduled start (the newer fact) counts, and its day is the clinic's
    assert {r.start for r in appointments} == {T0 + timedelta(days=1, hours=20)}
    assert {r.day for r in appointments} == {date(2026, 3, 4)}  # 01:00 in Nairobi
    tickets = sorted((str(r.status), r.waited_seconds) for r in rows if isinstance(r, TicketRow))
    assert tickets == [("missed", None), ("served", 1200)]
    [penalty] = [r for r in rows if isinstance(r, PenaltyRow)]
    assert penalty.waived and penalty.applied_day == date(2026, 3, 3)
    [note] = [r for r in rows if isinstance(r, NotificationRow)]
    assert (note.status, note.attempts) == ("sent", 2)
    [doctor] = [r for r in rows if isinstance(r, PersonRow)]
    assert (doctor.full_name, doctor.role, doctor.active) == ("Dr New", "doctor", False)


def test_a_late_earlier_status_does_not_overwrite_a_later_one() -> None:
    facts = appointment_facts(uuid.uuid4(), "completed")
    late_first = [facts[3], facts[2], facts[1], facts[0]]  # completed arrives first
    [row] = fold(late_first).values()
    assert isinstance(row, AppointmentRow) and row.status == "completed"


def test_a_waiver_before_its_penalty_still_waives_it() -> None:
    p = uuid.uuid4()
    waived = fact("appointments.penalty_waived.v1", 5, penalty_id=p, patient_id=PATIENT,
                  waived_by=DESK)
    applied = fact("appointments.no_show_penalty_applied.v1", 0, penalty_id=p,
                   appointment_id=uuid.uuid4(), patient_id=PATIENT, doctor_id=DOCTOR,
                   active_penalties=1)
    [row] = fold([waived, applied]).values()
    assert isinstance(row, PenaltyRow) and row.waived and row.doctor_id == DOCTOR


def test_a_duplicate_merged_again_changes_nothing() -> None:
    f = fact("auth.user_registered.v1", 0, user_id=DOCTOR, role="doctor", full_name="A")
    assert fold([f, f]) == fold([f]) and len(fold([f])) == 1


def test_a_failure_with_reason_capped_is_counted_as_capped() -> None:
    """notifications reports a message its hourly cap held back as notification_failed with
    reason "capped"; the read model keeps it apart from the provider's failures."""
    capped, failed = uuid.uuid4(), uuid.uuid4()
    common = {"recipient_id": PATIENT, "channel": "sms", "kind": "appointment_cancelled",
              "attempts": 1}
    facts = [fact("notifications.notification_failed.v1", 1, notification_id=capped,
                  dedup_key="a:cancelled", reason="capped", **common),
             fact("notifications.notification_failed.v1", 2, notification_id=failed,
                  dedup_key="b:cancelled", reason=None, **common)]
    rows = fold(facts)
    assert {(r.notification_id, r.status) for r in rows.values()
            if isinstance(r, NotificationRow)} == {(capped, "capped"), (failed, "failed")}
    assert fold([*facts, *facts][::-1]) == rows
