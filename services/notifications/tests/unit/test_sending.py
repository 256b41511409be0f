"""The sender over fakes: due messages only, retries with backoff, failure after the limit,
push -> SMS fallback, the lease, codes opened only to be sent."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from hms_contracts.appointments import AppointmentBooked
from hms_contracts.auth import ActivationCodeIssued, PasswordResetIssued
from hms_contracts.queue import PatientCalled
from hms_notifications.domain import model as m
from hms_notifications.domain.delivery import Failed, Retry, Undeliverable
from hms_notifications.domain.errors import ContactNotYetKnown
from hms_notifications.service_layer import commands as c
from hms_platform.testing.modules import load_beside

FAKES_MESSAGES = load_beside(__file__, "../fakes.py", "hms_notifications_test_fakes").FakeMessages


async def called(fake, minutes: int = 0) -> None:  # type: ignore[no-untyped-def]
    await fake.bus.handle(PatientCalled(
        ticket_id=uuid.uuid4(), number=12, patient_id=fake.patient, doctor_id=uuid.uuid4(),
        room="3", called_at=fake.clock.now() + timedelta(minutes=minutes)), uow=fake.uow())


def names(fake) -> list[tuple[str, str, int]]:  # type: ignore[no-untyped-def]
    return [(e.name.split(".")[1], e.payload["channel"], e.payload["attempts"])
            for e in fake.store.published]


async def test_only_due_messages_are_sent_with_their_text(fake) -> None:  # type: ignore[no-untyped-def]
    start = fake.at("10:00", day=4)
    await fake.bus.handle(AppointmentBooked(
        appointment_id=uuid.uuid4(), patient_id=fake.patient, doctor_id=uuid.uuid4(),
        start=start, end=start + timedelta(minutes=30), urgency=3, booked_by=fake.patient),
        uow=fake.uow())
    assert await fake.bus.handle(c.SendDue()) == 3  # the confirmations; reminders later
    address, text, _ = fake.channels["sms"].sent[0]
    assert address == "+254700000001" and "Wed 04 Mar 10:00" in text.body
    assert fake.channels["push"].sent[0][0] == ("device-1",)
    assert fake.channels["email"].sent[0][0] == "amina@example.org"
    assert sorted(names(fake)) == [("notification_sent", ch, 1) for ch in ("email", "push", "sms")]
    assert await fake.bus.handle(c.SendDue()) == 0
    fake.clock.set(start - timedelta(hours=24))
    assert await fake.bus.handle(c.SendDue()) == 2
    fake.clock.set(start - timedelta(hours=2))
    assert await fake.bus.handle(c.SendDue()) == 2
    assert {x.status for x in fake.store.of()} == {m.SENT}


async def test_failing_twice_then_succeeding_sends_once_after_three_attempts(fake) -> None:  # type: ignore[no-untyped-def]
    fake.store.prefs[fake.patient] = m.Preferences(fake.patient, frozenset({"sms"}))
    fake.channels["sms"].script = [Retry("twilio 500"), Retry("twilio 429", retry_after=30)]
    await called(fake)
    await fake.bus.handle(c.SendDue())
    [row] = fake.store.of()
    assert (row.status, row.attempts, row.due_at) == (
        m.PENDING, 1, fake.clock.now() + timedelta(seconds=2))
    fake.clock.advance(seconds=2)
    await fake.bus.handle(c.SendDue())
    assert fake.store.of()[0].due_at == fake.clock.now() + timedelta(seconds=30)  # Retry-After
    fake.clock.advance(seconds=29)
    assert await fake.bus.handle(c.SendDue()) == 0
    fake.clock.advance(seconds=1)
    await fake.bus.handle(c.SendDue())
    [row] = fake.store.of()
    assert (row.status, row.attempts, row.last_error) == (m.SENT, 3, None)
    assert len(fake.channels["sms"].sent) == 3
    assert names(fake) == [("notification_sent", "sms", 3)]


async def test_after_the_last_attempt_the_message_fails(fake) -> None:  # type: ignore[no-untyped-def]
    fake.store.prefs[fake.patient] = m.Preferences(fake.patient, frozenset({"sms"}))
    fake.channels["sms"].script = [Retry("timeout")] * 4
    await called(fake)
    for _ in range(4):
        await fake.bus.handle(c.SendDue())
        fake.clock.advance(minutes=10)
    [row] = fake.store.of()
    assert (row.status, row.attempts, row.last_error) == (m.FAILED, 4, "timeout")
    assert names(fake) == [("notification_failed", "sms", 4)]


async def test_a_permanent_error_fails_at_once(fake) -> None:  # type: ignore[no-untyped-def]
    fake.channels["sms"].script = [Failed("twilio 400 (code 21211)")]
    await called(fake)
    await fake.bus.handle(c.SendDue())
    assert fake.store.of(channel="sms")[0].status == m.FAILED
    assert ("notification_failed", "sms", 1) in names(fake)


async def test_an_unregistered_device_is_dropped_and_sms_takes_over(fake) -> None:  # type: ignore[no-untyped-def]
    fake.store.prefs[fake.patient] = m.Preferences(fake.patient, frozenset({"push"}),
                                                   devices=("device-1",))
    fake.channels["push"].script = [Undeliverable("push: token unregistered", ("device-1",))]
    await called(fake)
    await fake.bus.handle(c.SendDue())
    assert fake.store.prefs[fake.patient].devices == ()
    assert fake.store.of(channel="push")[0].status == m.FAILED
    await fake.bus.handle(c.SendDue())
    [sms] = fake.store.of(channel="sms")
    assert sms.status == m.SENT and "room 3" in fake.channels["sms"].sent[0][1].body


async def test_a_claim_is_held_for_its_lease_then_taken_again(fake) -> None:  # type: ignore[no-untyped-def]
    fake.store.prefs[fake.patient] = m.Preferences(fake.patient, frozenset({"sms"}))
    await called(fake)
    async with fake.uow() as uow:  # a sender that claims and then dies before sending
        [claimed] = await uow.messages.claim_due(
            fake.clock.now(), fake.clock.now() + timedelta(seconds=60), 10, uuid.uuid4())
    fake.clock.advance(seconds=59)
    assert await fake.bus.handle(c.SendDue()) == 0
    fake.clock.advance(seconds=1)
    assert await fake.bus.handle(c.SendDue()) == 1
    [row] = fake.store.of()
    assert (row.id, row.status, row.attempts) == (claimed.id, m.SENT, 2)
    assert len(fake.channels["sms"].sent) == 1


async def test_a_deactivated_user_gets_nothing_more(fake) -> None:  # type: ignore[no-untyped-def]
    await called(fake)
    fake.store.contacts[fake.patient] = m.Contact(fake.patient, active=False)
    await fake.bus.handle(c.SendDue())
    assert {(x.status, x.last_error) for x in fake.store.of()} == {
        (m.SKIPPED, "user deactivated")}
    assert not fake.channels["sms"].sent and names(fake) == []


async def reset_code_sent(fake, sealed_for: uuid.UUID) -> None:  # type: ignore[no-untyped-def]
    """The patient's password reset, its code sealed for ``sealed_for``'s; then the sending."""
    sealed = fake.sealer.seal("QWERT-YUIOP", f"password_reset:{sealed_for}")
    await fake.bus.handle(PasswordResetIssued(
        user_id=fake.patient, issued_by=uuid.uuid4(), sealed_code=sealed,
        expires_at=fake.clock.now() + timedelta(hours=1)), uow=fake.uow())
    await fake.bus.handle(c.SendDue())


async def test_a_reset_code_is_opened_only_to_be_sent(fake) -> None:  # type: ignore[no-untyped-def]
    await reset_code_sent(fake, fake.patient)
    assert "QWERT-YUIOP" in fake.channels["sms"].sent[0][1].body
    assert fake.store.of()[0].status == m.SENT
    assert names(fake) == []  # not a kind the notification events know


async def test_a_walk_in_gets_their_activation_code_by_sms_once_known(fake) -> None:  # type: ignore[no-untyped-def]
    sealed = fake.sealer.seal("ASDFG-HJKLZ", f"activation:{fake.patient}")
    code = ActivationCodeIssued(user_id=fake.patient, sealed_code=sealed,
                                expires_at=fake.clock.now() + timedelta(hours=24))
    known = fake.store.contacts.pop(fake.patient)
    with pytest.raises(ContactNotYetKnown):  # their registration has not arrived: retried
        await fake.bus.handle(code, uow=fake.uow())
    assert fake.store.of() == []
    fake.store.contacts[fake.patient] = known
    await fake.bus.handle(code, uow=fake.uow())
    await fake.bus.handle(code, uow=fake.uow())  # delivered again: one message
    await fake.bus.handle(c.SendDue())
    [(_, text, _)] = fake.channels["sms"].sent
    assert "ASDFG-HJKLZ" in text.body and "activation code" in text.body
    [row] = fake.store.of()
    assert (row.kind, row.status) == ("activation_code", m.SENT)
    assert "ASDFG-HJKLZ" not in repr(row)  # kept sealed in the log


async def test_a_code_sealed_for_another_purpose_does_not_open(fake) -> None:  # type: ignore[no-untyped-def]
    sealed = fake.sealer.seal("ASDFG-HJKLZ", f"password_reset:{fake.patient}")
    await fake.bus.handle(ActivationCodeIssued(
        user_id=fake.patient, sealed_code=sealed,
        expires_at=fake.clock.now() + timedelta(hours=1)), uow=fake.uow())
    await fake.bus.handle(c.SendDue())
    assert not fake.channels["sms"].sent
    assert fake.store.of()[0].status == m.SKIPPED


async def test_a_code_sealed_for_someone_else_does_not_open(fake) -> None:  # type: ignore[no-untyped-def]
    await reset_code_sent(fake, uuid.uuid4())
    assert not fake.channels["sms"].sent
    assert fake.store.of()[0].status == m.SKIPPED


async def test_twilio_status_reports_update_the_message(fake) -> None:  # type: ignore[no-untyped-def]
    await called(fake)
    await fake.bus.handle(c.SendDue())
    sid = fake.store.of(channel="sms")[0].provider_id
    assert await fake.bus.handle(c.RecordProviderStatus(sid, "delivered"))
    assert fake.store.of(channel="sms")[0].status == m.DELIVERED
    assert not await fake.bus.handle(c.RecordProviderStatus("SMunknown", "delivered"))


@pytest.mark.parametrize(("reports", "status", "provider_status"), [
    (["queued", "sent", "delivered"], m.DELIVERED, "delivered"),
    (["delivered", "failed"], m.DELIVERED, "delivered"),  # a replayed failure after delivery
    (["delivered", "sent", "queued"], m.DELIVERED, "delivered"),
    (["delivered", "undelivered", "delivered"], m.DELIVERED, "delivered"),
    (["failed", "delivered"], m.UNDELIVERED, "failed"),
    (["sent", "sending", "queued"], m.SENT, "sent"),
    (["delivered", "read", "delivered"], m.DELIVERED, "read"),
    (["bogus", "queued"], m.SENT, "queued"),
])
async def test_twilio_reports_only_move_a_message_forward(fake, reports, status,  # type: ignore[no-untyped-def]
                                                         provider_status) -> None:
    await called(fake)
    await fake.bus.handle(c.SendDue())
    sid = fake.store.of(channel="sms")[0].provider_id
    for report in reports:
        await fake.bus.handle(c.RecordProviderStatus(sid, report, "30003"))
    [row] = fake.store.of(channel="sms")
    assert (row.status, row.provider_status) == (status, provider_status)
    assert row.last_error == ("twilio error 30003" if status == m.UNDELIVERED else None)


async def test_one_record_failing_leaves_the_others_recorded(fake) -> None:  # type: ignore[no-untyped-def]
    fake.store.prefs[fake.patient] = m.Preferences(fake.patient, frozenset({"sms"}))
    await called(fake)
    await called(fake, minutes=1)
    first = fake.store.of()[0].id
    finish = FAKES_MESSAGES.finish

    async def flaky(self, message, token):  # type: ignore[no-untyped-def]
        if message.id == first:
            raise ConnectionError("database away")
        return await finish(self, message, token)

    FAKES_MESSAGES.finish = flaky
    try:
        assert await fake.bus.handle(c.SendDue()) == 2
    finally:
        FAKES_MESSAGES.finish = finish
    assert {x.id: x.status for x in fake.store.of()}[first] == m.SENDING  # retried after lease
    assert [x.status for x in fake.store.of() if x.id != first] == [m.SENT]


async def test_a_code_retried_past_its_expiry_is_not_sent(fake) -> None:  # type: ignore[no-untyped-def]
    sealed = fake.sealer.seal("QWERT-YUIOP", f"password_reset:{fake.patient}")
    fake.channels["sms"].script = [Retry("twilio 500")]
    await fake.bus.handle(PasswordResetIssued(
        user_id=fake.patient, issued_by=uuid.uuid4(), sealed_code=sealed,
        expires_at=fake.clock.now() + timedelta(seconds=1)), uow=fake.uow())
    await fake.bus.handle(c.SendDue())
    fake.clock.advance(seconds=2)
    await fake.bus.handle(c.SendDue())
    [row] = fake.store.of()
    assert (row.status, row.attempts, row.last_error) == (
        m.SKIPPED, 2, "too late: its moment has passed")
    assert len(fake.channels["sms"].sent) == 1


async def test_a_record_the_database_refuses_is_tried_again_not_sent_again(  # type: ignore[no-untyped-def]
        fake, monkeypatch: pytest.MonkeyPatch) -> None:
    """The provider took the message, then the database went away (a restart) while the sender
    recorded it: recording is tried again, so the message is not sent a second time once its
    lease ends."""
    fake.store.prefs[fake.patient] = m.Preferences(fake.patient, frozenset({"sms"}))
    finish, refusals = FAKES_MESSAGES.finish, [ConnectionRefusedError(), OSError("reset")]

    async def flaky(self, message, token):  # type: ignore[no-untyped-def]
        if refusals:
            raise refusals.pop(0)
        return await finish(self, message, token)

    monkeypatch.setattr(FAKES_MESSAGES, "finish", flaky)
    await called(fake)
    await fake.bus.handle(c.SendDue())
    [row] = fake.store.of()
    assert (row.status, row.attempts, refusals) == (m.SENT, 1, [])
    fake.clock.advance(seconds=3600)  # long past the lease
    assert await fake.bus.handle(c.SendDue()) == 0
    assert len(fake.channels["sms"].sent) == 1
