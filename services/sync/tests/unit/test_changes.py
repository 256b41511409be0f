"""Events into feed rows: the fields chosen one by one (nothing clinical), the audience, and
events out of order (an older one never overwrites a newer one)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hms_contracts import appointments as a
from hms_contracts import auth
from hms_contracts import queue as q
from hms_contracts.envelope import EventPayload
from hms_contracts.registry import REGISTRY
from hms_sync.domain.changes import PROJECTORS, Row, Update, merge, update_for
from hms_sync.service_layer.handlers import FEED_EVENTS

TZ = ZoneInfo("Africa/Nairobi")
T = datetime(2026, 3, 2, 21, 30, tzinfo=UTC)  # already Tuesday in Nairobi
P, D = uuid.uuid4(), uuid.uuid4()


def update(event: EventPayload, at: datetime = T) -> Update:
    found = update_for(event.NAME, event.model_dump(mode="json"), at, TZ)
    assert found is not None
    return found


def apply(*updates: Update) -> Row:
    row: Row | None = None
    for u in updates:
        row = merge(row, u) or row
    assert row is not None
    return row


def test_the_consumer_is_bound_to_exactly_the_projected_events() -> None:
    assert {e.NAME for e in FEED_EVENTS} == set(PROJECTORS)
    assert set(PROJECTORS) <= set(REGISTRY)


def test_a_booking_its_audience_and_clinic_day() -> None:
    appt = uuid.uuid4()
    booked = update(a.AppointmentBooked(
        appointment_id=appt, patient_id=P, doctor_id=D, start=T, end=T + timedelta(minutes=15),
        urgency=3, booked_by=P, override_reason="free text never copied"))
    row = apply(booked)
    assert (row.entity, row.id, row.version) == ("appointment", str(appt), 1)
    assert (row.patient_id, row.doctor_id, row.clinic_day) == (str(P), str(D), date(2026, 3, 3))
    assert row.fields["status"] == "booked" and "override_reason" not in row.fields


def test_nothing_clinical_or_free_text_reaches_the_feed() -> None:
    forbidden = {"diagnosis", "treatment", "notes", "reason", "override_reason", "dedup_key",
                 "sealed_code", "booked_by", "closed_by", "changed_by"}
    for name, projector in PROJECTORS.items():
        sample = {f: T.isoformat() for f in REGISTRY[name].model_fields} | {
            "user_id": "u", "appointment_id": "a", "ticket_id": "t", "notification_id": "n",
            "recipient_id": "r", "role": "patient", "changed": list(forbidden)}
        made = projector(sample, T, TZ)
        assert made is None or not forbidden & set(made.fields), name


def test_an_older_event_only_fills_what_the_row_lacks() -> None:
    ticket = uuid.uuid4()
    issued = update(q.TicketIssued(ticket_id=ticket, number=4, patient_id=P, doctor_id=D,
                                   urgency=3, source="walk_in", position=2, eta_minutes=10),
                    T - timedelta(minutes=5))
    missed = update(q.TicketMissed(ticket_id=ticket, patient_id=P, doctor_id=D), T)
    in_order, reversed_ = apply(issued, missed), apply(missed, issued)
    assert in_order.fields["status"] == reversed_.fields["status"] == "missed"
    assert in_order.fields == reversed_.fields and reversed_.fields["number"] == 4
    assert in_order.version == reversed_.version == 2


def test_a_transfer_moves_the_ticket_to_the_other_doctors_audience() -> None:
    ticket, other = uuid.uuid4(), uuid.uuid4()
    issued = update(q.TicketIssued(ticket_id=ticket, number=1, patient_id=P, doctor_id=D,
                                   urgency=3, source="walk_in", position=1, eta_minutes=0))
    moved = update(q.TicketChanged(ticket_id=ticket, doctor_id=other, changed_by=D),
                   T + timedelta(minutes=1))
    row = apply(issued, moved)
    assert (row.doctor_id, row.patient_id, row.fields["doctor_id"]) == (
        str(other), str(P), str(other))


def test_an_event_that_changes_nothing_writes_nothing() -> None:
    issued = update(auth.UserRegistered(user_id=P, role="patient", full_name="Wanjiru"))
    row = apply(issued)
    assert merge(row, issued) is None


def test_profiles_only_for_patients_and_gone_when_made_staff() -> None:
    assert update_for("auth.user_registered.v1", auth.UserRegistered(
        user_id=D, role="doctor", full_name="Dr").model_dump(mode="json"), T, TZ) is None
    row = apply(update(auth.UserRegistered(user_id=P, role="patient", full_name="W")),
                update(auth.UserUpdated(user_id=P, changed=["role"], role="receptionist"),
                       T + timedelta(seconds=1)))
    assert row.deleted and row.fields == {"full_name": "W", "active": True}
