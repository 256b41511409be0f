"""Audit entries: actions, actors and their roles, subjects, and nothing but ids in details."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from hms_reporting.domain.audit import SYSTEM, audit_entry
from hms_reporting.domain.facts import Fact

AT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
ADMIN, USER = uuid.uuid4(), uuid.uuid4()


def test_a_role_change_names_its_actor_with_their_role() -> None:
    fact = Fact("e1", "auth.user_updated.v1", AT, {
        "user_id": USER, "changed": ["role"], "role": "receptionist", "updated_by": ADMIN,
        "phone_number": "+254700000001"}, correlation_id="c1")
    entry = audit_entry(fact, {ADMIN: "admin"})
    assert entry is not None
    assert (entry.action, entry.actor_id, entry.actor_role, entry.subject_id) == (
        "auth.role_changed", ADMIN, "admin", USER)
    assert entry.detail == {"changed": ["role"], "role": "receptionist"}
    assert (entry.occurred_at, entry.correlation_id) == (AT, "c1")


def test_a_failed_sign_in_of_an_unknown_user_has_no_actor() -> None:
    fact = Fact("e2", "auth.login_failed.v1", AT, {"user_id": None, "username": "a***",
                                                   "ip": "10.0.0.1", "reason": "bad"})
    entry = audit_entry(fact, {})
    assert entry is not None and entry.action == "auth.login_failed"
    assert entry.actor_id is None and entry.detail == {"ip": "10.0.0.1", "reason": "bad"}


def test_the_scheduler_is_the_system() -> None:
    fact = Fact("e3", "appointments.appointment_no_show.v1", AT, {
        "appointment_id": uuid.uuid4(), "patient_id": USER, "marked_by": "scheduler"})
    entry = audit_entry(fact, {})
    assert entry is not None and (entry.actor_id, entry.actor_role) == (None, SYSTEM)


def test_deliveries_and_schedules_are_not_audited() -> None:
    assert audit_entry(Fact("e4", "notifications.notification_sent.v1", AT, {}), {}) is None
    assert audit_entry(Fact("e5", "appointments.schedule_changed.v1", AT, {}), {}) is None


def test_check_ins_reschedules_and_ticket_changes_name_who() -> None:
    desk, doctor = uuid.uuid4(), uuid.uuid4()
    roles = {desk: "receptionist", doctor: "doctor", USER: "patient"}
    cases = [
        ("appointments.patient_checked_in.v1", {"appointment_id": uuid.uuid4(),
                                                "patient_id": USER, "checked_in_by": desk}, desk),
        ("appointments.appointment_rescheduled.v1", {"appointment_id": uuid.uuid4(),
                                                     "rescheduled_by": USER}, USER),
        ("queue.ticket_issued.v1", {"ticket_id": uuid.uuid4(), "issued_by": desk}, desk),
        ("queue.ticket_missed.v1", {"ticket_id": uuid.uuid4(), "closed_by": doctor}, doctor),
        ("queue.ticket_cancelled.v1", {"ticket_id": uuid.uuid4(), "closed_by": None}, None),
    ]
    for name, data, actor in cases:
        entry = audit_entry(Fact(name, name, AT, data), roles)
        assert entry is not None, name
        assert (entry.actor_id, entry.actor_role) == (actor, roles.get(actor)), name


def test_a_sign_in_after_a_staff_reset_is_its_own_action_naming_the_issuer() -> None:
    desk = uuid.uuid4()
    fact = Fact("e6", "auth.login_succeeded.v1", AT, {
        "user_id": USER, "username": "+***", "ip": "10.0.0.5", "after_staff_reset": True,
        "reset_issued_by": desk})
    entry = audit_entry(fact, {USER: "patient"})
    assert entry is not None and entry.action == "auth.login_after_staff_reset"
    assert (entry.actor_id, entry.actor_role, entry.subject_id) == (USER, "patient", USER)
    assert entry.detail == {"ip": "10.0.0.5", "reset_issued_by": str(desk)}


def test_an_ordinary_sign_in_and_one_from_an_older_producer_stay_sign_ins() -> None:
    for data in ({"after_staff_reset": False, "reset_issued_by": None}, {}):
        fact = Fact("e7", "auth.login_succeeded.v1", AT, {
            "user_id": USER, "username": "+***", "ip": "10.0.0.5", **data})
        entry = audit_entry(fact, {})
        assert entry is not None and entry.action == "auth.login_succeeded"
        assert entry.detail == {"ip": "10.0.0.5"}


def test_a_window_of_refused_sign_ins_is_one_entry_with_its_count() -> None:
    fact = Fact("e8", "auth.login_throttled.v1", AT, {
        "user_id": USER, "ip": "203.0.113.9", "limit": "account_address", "attempts": 1000,
        "window_start": AT - timedelta(minutes=15), "window_end": AT})
    entry = audit_entry(fact, {USER: "patient"})
    assert entry is not None and entry.action == "auth.login_throttled"
    assert (entry.subject_id, entry.actor_id) == (USER, None)  # nobody proven is behind them
    assert entry.detail == {"ip": "203.0.113.9", "limit": "account_address", "attempts": 1000,
                            "window_start": (AT - timedelta(minutes=15)).isoformat(),
                            "window_end": AT.isoformat()}


def test_a_reset_says_whether_its_issuer_saw_the_code_when_the_producer_says() -> None:
    base = {"user_id": USER, "issued_by": ADMIN, "sealed_code": "s", "expires_at": AT}
    shown = audit_entry(Fact("e9", "auth.password_reset_issued.v1", AT,
                             {**base, "shown_to_issuer": False}), {})
    older = audit_entry(Fact("e10", "auth.password_reset_issued.v1", AT,
                             {**base, "shown_to_issuer": None}), {})
    assert shown is not None and shown.detail == {"shown_to_issuer": False}
    assert older is not None and older.detail == {}
