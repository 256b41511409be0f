"""The hourly cap per recipient (security review, finding 7): booking then cancelling in a loop
once queued 120 messages to one number in 4 s. Now at most ``max_per_recipient_hour`` of a
kind go by a channel to one person or one address within an hour; the rest are recorded
``capped``, logged (address masked) and reported; codes and turn notices are never capped."""

from __future__ import annotations

import uuid
from datetime import timedelta

from structlog.testing import capture_logs

from hms_contracts.appointments import AppointmentBooked, AppointmentCancelled
from hms_contracts.auth import PasswordResetIssued
from hms_contracts.queue import PatientCalled, TurnApproaching
from hms_notifications.domain import model as m
from hms_notifications.service_layer import commands as c

CAP = 5  # Rules' default, as the settings'


async def handle(fake, event) -> None:  # type: ignore[no-untyped-def]
    """As the inbox consumer does: the handler in its unit of work, then the commit."""
    uow = fake.uow()
    await fake.bus.handle(event, uow=uow)
    await uow.commit()


async def book_and_cancel(fake, patient=None) -> None:  # type: ignore[no-untyped-def]
    """One cycle of the attack; the sender runs in between, as it does every second (a
    confirmation still pending at the cancellation would be cancelled with the booking)."""
    patient = patient or fake.patient
    appt, doctor, start = uuid.uuid4(), uuid.uuid4(), fake.at("10:00", day=4)
    await handle(fake, AppointmentBooked(
        appointment_id=appt, patient_id=patient, doctor_id=doctor, start=start,
        end=start + timedelta(minutes=30), urgency=3, booked_by=patient))
    await fake.bus.handle(c.SendDue())
    await handle(fake, AppointmentCancelled(appointment_id=appt, patient_id=patient,
                                            doctor_id=doctor, cancelled_by=patient, late=False))


def by_status(fake, kind: str, channel: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    counts: dict[str, int] = {}
    for x in fake.store.of(channel=channel, kind=kind):
        counts[x.status] = counts.get(x.status, 0) + 1
    return counts


def planned_and_capped(fake, kind: str, channel: str) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """(messages that went or will go, capped ones) of a kind by a channel."""
    rows = fake.store.of(channel=channel, kind=kind)
    capped = sum(x.status == m.CAPPED for x in rows)
    return len(rows) - capped, capped


async def test_booking_and_cancelling_thirty_times_sends_at_most_the_cap(fake) -> None:  # type: ignore[no-untyped-def]
    for _ in range(30):
        await book_and_cancel(fake)
    while await fake.bus.handle(c.SendDue()):
        pass
    sms = [x.kind for _, _, x in fake.channels["sms"].sent]
    assert sorted(sms) == ["appointment_booked"] * CAP + ["appointment_cancelled"] * CAP
    assert len(fake.channels["email"].sent) == 2 * CAP
    assert len(fake.channels["push"].sent) == CAP
    for kind, channel in [("appointment_booked", "sms"), ("appointment_booked", "email"),
                          ("appointment_booked", "push"), ("appointment_cancelled", "sms"),
                          ("appointment_cancelled", "email")]:
        assert by_status(fake, kind, channel) == {m.SENT: CAP, m.CAPPED: 30 - CAP}
    # the reminders of each booking went with its cancellation (and never counted)
    assert {x.status for x in fake.store.of(kind="appointment_reminder")} == {m.CANCELLED}
    capped = [x for x in fake.store.of() if x.status == m.CAPPED]
    assert {x.last_error for x in capped} == {
        f"capped: {CAP} {x.kind} by {x.channel} within the hour (at most {CAP})" for x in capped}
    assert {x.attempts for x in capped} == {0}


async def test_n_plus_k_in_an_hour_n_go_k_capped_then_the_next_hour_goes_again(fake) -> None:  # type: ignore[no-untyped-def]
    fake.store.prefs[fake.patient] = m.Preferences(fake.patient, frozenset({"sms"}))
    for _ in range(CAP + 3):
        await book_and_cancel(fake)
        fake.clock.advance(minutes=5)  # 40 minutes in all: one window
    assert planned_and_capped(fake, "appointment_cancelled", "sms") == (CAP, 3)
    fake.clock.advance(minutes=30)  # the first ones are now more than an hour old
    await book_and_cancel(fake)
    assert planned_and_capped(fake, "appointment_cancelled", "sms") == (CAP + 1, 3)


async def test_capped_messages_are_reported_as_failed_with_reason_capped(fake) -> None:  # type: ignore[no-untyped-def]
    fake.store.prefs[fake.patient] = m.Preferences(fake.patient, frozenset({"sms"}))
    for _ in range(CAP + 2):
        await book_and_cancel(fake)
    failed = [e for e in fake.store.published if e.name.endswith("notification_failed.v1")]
    assert sorted((e.payload["kind"], e.payload["channel"], e.payload["reason"])
                  for e in failed) == sorted(
        [(kind, "sms", "capped")
         for kind in ("appointment_booked", "appointment_cancelled") for _ in range(2)])
    capped_ids = {x.id for x in fake.store.of() if x.status == m.CAPPED}
    assert {uuid.UUID(e.payload["notification_id"]) for e in failed} == capped_ids
    # the same facts delivered again: nothing new, no second report
    before = len(fake.store.messages)
    for x in list(fake.store.of(kind="appointment_cancelled")):
        assert x.subject_id is not None
        await handle(fake, AppointmentCancelled(
            appointment_id=x.subject_id, patient_id=fake.patient, doctor_id=uuid.uuid4(),
            cancelled_by=fake.patient, late=False))
    assert len(fake.store.messages) == before
    assert len([e for e in fake.store.published if e.name.endswith("failed.v1")]) == 4


async def test_codes_and_turn_notices_beyond_the_cap_still_go(fake) -> None:  # type: ignore[no-untyped-def]
    fake.store.prefs[fake.patient] = m.Preferences(fake.patient, frozenset({"sms"}))
    n = CAP + 3
    for i in range(n):
        sealed = fake.sealer.seal(f"CODE{i}", f"password_reset:{fake.patient}")
        await handle(fake, PasswordResetIssued(
            user_id=fake.patient, issued_by=uuid.uuid4(), sealed_code=sealed,
            expires_at=fake.clock.now() + timedelta(minutes=30, seconds=i)))
        ticket = uuid.uuid4()
        await handle(fake, TurnApproaching(ticket_id=ticket, patient_id=fake.patient,
                                           doctor_id=uuid.uuid4(), people_ahead=2,
                                           eta_minutes=10))
        await handle(fake, PatientCalled(
            ticket_id=ticket, number=i, patient_id=fake.patient, doctor_id=uuid.uuid4(),
            room="3", called_at=fake.clock.now() + timedelta(seconds=i)))
    while await fake.bus.handle(c.SendDue()):
        pass
    sent = sorted(x.kind for _, _, x in fake.channels["sms"].sent)
    assert sent == sorted(["password_reset_code", "turn_approaching", "turn_now"] * n)
    assert not [x for x in fake.store.of() if x.status == m.CAPPED]
    assert fake.store.locked == []  # nothing capped-able: no lock taken either


async def test_the_cap_counts_per_address_whoever_holds_it(fake) -> None:  # type: ignore[no-untyped-def]
    """One number moved through several accounts (each in turn: auth keeps numbers unique)
    still gets no more than the cap."""
    phone = "+254799000111"
    for i in range(4):
        user = uuid.uuid4()
        fake.store.contacts[user] = m.Contact(user, "patient", f"P{i}", phone, None)
        fake.store.prefs[user] = m.Preferences(user, frozenset({"sms"}))
        for _ in range(2):
            await book_and_cancel(fake, user)
        fake.store.contacts[user] = m.Contact(user, "patient", f"P{i}", f"+2547990002{i:02d}")
    assert planned_and_capped(fake, "appointment_cancelled", "sms") == (CAP, 3)
    assert planned_and_capped(fake, "appointment_booked", "sms") == (CAP, 3)


async def test_the_count_is_taken_under_locks_on_the_person_and_the_address(fake) -> None:  # type: ignore[no-untyped-def]
    fake.store.prefs[fake.patient] = m.Preferences(fake.patient, frozenset({"sms"}))
    await book_and_cancel(fake)
    digest = m.destination("sms", fake.store.contacts[fake.patient])
    assert digest is not None and "254700000001" not in digest
    assert {f"user:{fake.patient}", f"address:{digest}"} <= set(fake.store.locked)


async def test_a_capped_message_is_logged_with_the_address_masked(fake) -> None:  # type: ignore[no-untyped-def]
    fake.store.prefs[fake.patient] = m.Preferences(fake.patient, frozenset({"sms"}))
    with capture_logs() as logs:
        for _ in range(CAP + 1):
            await book_and_cancel(fake)
    capped = [e for e in logs if e["event"] == "notification.capped"]
    assert sorted(e["kind"] for e in capped) == ["appointment_booked", "appointment_cancelled"]
    assert {(e["channel"], e["to"], e["limit"], e["log_level"]) for e in capped} == {
        ("sms", "+**********01", CAP, "warning")}
    assert "254700000001" not in repr(logs)
