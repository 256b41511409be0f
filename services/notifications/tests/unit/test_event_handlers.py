"""Events in -> messages in the log (nothing is sent by the consumer)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from hms_contracts.appointments import (
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentNoShow,
    AppointmentRescheduled,
)
from hms_contracts.auth import PasswordResetIssued, UserDeactivated, UserRegistered, UserUpdated
from hms_contracts.queue import PatientCalled
from hms_notifications.domain import model as m


async def handle(fake, event) -> None:  # type: ignore[no-untyped-def]
    await fake.bus.handle(event, uow=fake.uow())


def booked(fake, start, appt=None):  # type: ignore[no-untyped-def]
    return AppointmentBooked(appointment_id=appt or uuid.uuid4(), patient_id=fake.patient,
                             doctor_id=uuid.uuid4(), start=start, end=start + timedelta(minutes=30),
                             urgency=3, booked_by=fake.patient)


async def test_contacts_follow_auths_events_in_order(fake) -> None:  # type: ignore[no-untyped-def]
    user = uuid.uuid4()
    await handle(fake, UserUpdated(user_id=user, changed=["phone_number"],
                                   phone_number="+254711111111"))
    await handle(fake, UserRegistered(user_id=user, role="patient", full_name="Baraka",
                                      phone_number="+254711111111", email=None))
    await handle(fake, UserUpdated(user_id=user, changed=["email"], email="b@example.org",
                                   phone_number=None))
    assert fake.store.contacts[user] == m.Contact(user, "patient", "Baraka", "+254711111111",
                                                  "b@example.org", None, True)
    await handle(fake, UserDeactivated(user_id=user))
    assert fake.store.contacts[user].active is False


async def test_a_booking_records_a_confirmation_and_reminders_once(fake) -> None:  # type: ignore[no-untyped-def]
    event = booked(fake, fake.at("10:00", day=4))
    await handle(fake, event)
    await handle(fake, event)  # delivered again
    await handle(fake, booked(fake, event.start, event.appointment_id))  # published again
    rows = fake.store.of()
    assert sorted((x.kind, x.channel) for x in rows) == sorted([
        ("appointment_booked", "sms"), ("appointment_booked", "push"),
        ("appointment_booked", "email"),
        *[("appointment_reminder", c) for c in ("sms", "push") for _ in range(2)]])
    assert {x.status for x in rows} == {m.PENDING}
    assert all(not ch.sent for ch in fake.channels.values())


async def test_a_reschedule_replaces_the_pending_reminders(fake) -> None:  # type: ignore[no-untyped-def]
    event = booked(fake, fake.at("10:00", day=4))
    await handle(fake, event)
    new_start = fake.at("15:00", day=5)
    await handle(fake, AppointmentRescheduled(appointment_id=event.appointment_id,
                                              old_start=event.start, new_start=new_start))
    reminders = fake.store.of(kind="appointment_reminder")
    old = [x for x in reminders if x.status == m.CANCELLED]
    new = [x for x in reminders if x.status == m.PENDING]
    assert len(old) == len(new) == 4
    assert sorted({x.due_at for x in new}) == [new_start - timedelta(hours=24),
                                               new_start - timedelta(hours=2)]
    assert {x.recipient_id for x in new} == {fake.patient}


async def test_a_cancellation_or_no_show_removes_reminders(fake) -> None:  # type: ignore[no-untyped-def]
    first, second = booked(fake, fake.at("10:00", day=4)), booked(fake, fake.at("11:00", day=6))
    await handle(fake, first)
    await handle(fake, second)
    await handle(fake, AppointmentCancelled(
        appointment_id=first.appointment_id, patient_id=fake.patient,
        doctor_id=first.doctor_id, cancelled_by=fake.patient, late=False))
    await handle(fake, AppointmentNoShow(
        appointment_id=second.appointment_id, patient_id=fake.patient,
        doctor_id=second.doctor_id, start=second.start, marked_by="scheduler"))
    assert {x.status for x in fake.store.of(kind="appointment_reminder")} == {m.CANCELLED}
    assert sorted(x.channel for x in fake.store.of(kind="appointment_cancelled")) == [
        "email", "sms"]


async def test_an_unknown_or_deactivated_patient_gets_nothing(fake) -> None:  # type: ignore[no-untyped-def]
    stranger = booked(fake, fake.at("10:00", day=4)).model_copy(
        update={"patient_id": uuid.uuid4()})
    await handle(fake, stranger)
    assert fake.store.of() == []
    fake.store.contacts[fake.patient] = m.Contact(fake.patient, active=False)
    await handle(fake, booked(fake, fake.at("10:00", day=4)))
    assert fake.store.of() == []


async def test_a_reset_code_is_kept_sealed(fake) -> None:  # type: ignore[no-untyped-def]
    sealed = fake.sealer.seal("QWERT-YUIOP", f"password_reset:{fake.patient}")
    await handle(fake, PasswordResetIssued(user_id=fake.patient, issued_by=uuid.uuid4(),
                                           sealed_code=sealed,
                                           expires_at=fake.clock.now() + timedelta(hours=1)))
    [row] = fake.store.of()
    assert (row.kind, row.channel) == ("password_reset_code", "sms")
    assert "QWERT-YUIOP" not in repr(row)


async def test_every_call_is_a_turn_now(fake) -> None:  # type: ignore[no-untyped-def]
    ticket = uuid.uuid4()
    for minutes in (0, 0, 4):
        await handle(fake, PatientCalled(
            ticket_id=ticket, number=12, patient_id=fake.patient, doctor_id=uuid.uuid4(),
            room="3", called_at=fake.clock.now() + timedelta(minutes=minutes)))
    assert len(fake.store.of(channel="sms", kind="turn_now")) == 2
