"""Audit entries: actions, actors and their roles, subjects, and nothing but ids in details."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

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
