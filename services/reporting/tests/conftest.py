"""Fixtures shared by integration/ and e2e/: a migrated session database, emptied before each
test, the real consumer, and a producer of events.

(Test files run in importlib mode and cannot import this module: they get everything here
through fixtures.)"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from hms_contracts import appointments as a
from hms_contracts import auth
from hms_contracts import notifications as n
from hms_contracts import queue as q
from hms_contracts.envelope import Envelope, EventPayload
from hms_platform.testing.fixtures import bus_fixture, producer_fixture, service_fixtures
from hms_reporting import MIGRATIONS
from hms_reporting.bootstrap import build
from hms_reporting.config import ReportingSettings
from hms_reporting.entrypoints.consumer import build_consumer

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # Monday 12:00 in Nairobi

migrated_url, db, settings, clock = service_fixtures(
    MIGRATIONS, "reporting", ReportingSettings, NOW, clinic_timezone="Africa/Nairobi")
bus = bus_fixture(lambda db, clock, settings: build(settings, db))


producer = producer_fixture(build_consumer, NOW)


def _scenario() -> SimpleNamespace:
    """A small clinic day as events: two doctors, three patients, an admin; bookings that end
    completed, no-show and cancelled; a penalty (one waived); tickets served and missed;
    notifications sent and failed; a failed sign-in and a role change."""
    ids = SimpleNamespace(admin=uuid.uuid4(), desk=uuid.uuid4(),
                          doctors=[uuid.uuid4(), uuid.uuid4()],
                          patients=[uuid.uuid4(), uuid.uuid4(), uuid.uuid4()])
    t = NOW - timedelta(days=1)  # Sunday 12:00 in Nairobi
    out: list[Envelope] = []

    def add(payload: EventPayload, minutes: int) -> None:
        out.append(Envelope.of(payload, occurred_at=t + timedelta(minutes=minutes),
                               correlation_id=f"req-{len(out)}"))

    add(auth.UserRegistered(user_id=ids.admin, role="admin", full_name="Ada Admin"), -600)
    add(auth.UserRegistered(user_id=ids.desk, role="patient", full_name="Desmond Desk"), -590)
    for i, d in enumerate(ids.doctors):
        add(auth.UserRegistered(user_id=d, role="doctor", full_name=f"Dr Number {i}"), -580)
    for i, p in enumerate(ids.patients):
        add(auth.UserRegistered(user_id=p, role="patient", full_name=f"=Patient {i}"), -570)
    add(auth.UserUpdated(user_id=ids.desk, changed=["role"], role="receptionist",
                         updated_by=ids.admin), -500)
    add(auth.LoginFailed(user_id=ids.desk, username="d***", ip="10.0.0.9", reason="password"),
        -400)
    for i, (outcome, doctor) in enumerate([("completed", 0), ("no_show", 0), ("no_show", 1),
                                           ("cancelled", 1), ("completed", 1)]):
        appt, patient = uuid.uuid4(), ids.patients[i % 3]
        doctor_id = ids.doctors[doctor]
        start = t + timedelta(minutes=30 * i)
        common = {"appointment_id": appt, "patient_id": patient, "doctor_id": doctor_id}
        add(a.AppointmentBooked(**common, start=start, end=start + timedelta(minutes=30),
                                urgency=3, booked_by=ids.desk), -300 + i)
        if outcome == "completed":
            add(a.PatientCheckedIn(**common, urgency=3, arrived_at=start), 30 * i)
            add(a.AppointmentCompleted(**common, completed_at=start), 30 * i + 20)
        elif outcome == "no_show":
            add(a.AppointmentNoShow(**common, start=start, marked_by="scheduler"), 30 * i + 15)
            penalty = uuid.uuid4()
            add(a.NoShowPenaltyApplied(penalty_id=penalty, **common, active_penalties=1),
                30 * i + 16)
            if doctor == 1:
                add(a.PenaltyWaived(penalty_id=penalty, patient_id=patient, waived_by=ids.admin),
                    30 * i + 60)
        else:
            add(a.AppointmentCancelled(**common, cancelled_by=patient, late=False), 5)
    for i, (served, waited) in enumerate([(True, 600), (True, 1200), (True, 300), (False, 0)]):
        ticket, doctor_id = uuid.uuid4(), ids.doctors[i % 2]
        common = {"ticket_id": ticket, "patient_id": ids.patients[i % 3], "doctor_id": doctor_id}
        add(q.TicketIssued(**common, number=i + 1, urgency=3, source="walk_in", position=1,
                           eta_minutes=5), 10 * i)
        add(q.PatientCalled(**common, number=i + 1, room="4", called_at=t), 10 * i + 5)
        add(q.PatientServed(**common, waited_seconds=waited, service_seconds=waited // 2)
            if served else q.TicketMissed(**common), 10 * i + 9)
    for i, (channel, ok, key) in enumerate([("sms", True, "k1"), ("sms", False, "k2"),
                                            ("email", True, "k1"), ("email", True, "k1")]):
        add((n.NotificationSent if ok else n.NotificationFailed)(
            notification_id=uuid.uuid4(), recipient_id=ids.patients[0], channel=channel,
            kind="appointment_booked", dedup_key=key, attempts=1), 100 + i)
    return SimpleNamespace(ids=ids, envelopes=out, day=t.date())


@pytest.fixture
def scenario() -> SimpleNamespace:
    return _scenario()
