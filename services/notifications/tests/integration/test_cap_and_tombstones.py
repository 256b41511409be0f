"""On Postgres, through the real inbox consumer: the hourly cap holds when replicas plan for one
recipient at the same moment (security review, finding 7), and no reminder goes out for a
cancelled appointment whichever order, or however concurrently, its events are handled
(finding 8)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest

from hms_contracts.appointments import AppointmentBooked, AppointmentCancelled
from hms_contracts.envelope import Envelope
from hms_contracts.queue import PatientCalled
from hms_notifications.service_layer import commands as c

CAP = 5  # NOTIFICATIONS_MAX_PER_RECIPIENT_HOUR's default


def cancellation(patient: uuid.UUID, appointment_id=None) -> AppointmentCancelled:  # type: ignore[no-untyped-def]
    return AppointmentCancelled(appointment_id=appointment_id or uuid.uuid4(),
                                patient_id=patient, doctor_id=uuid.uuid4(),
                                cancelled_by=patient, late=False)


async def statuses(world, kind: str) -> dict[tuple[str, str], int]:  # type: ignore[no-untyped-def]
    rows = await world.rows("SELECT channel, status, count(*) AS n FROM notifications.messages "
                            "WHERE kind = :kind GROUP BY channel, status", kind=kind)
    return {(r.channel, r.status): r.n for r in rows}


async def test_replicas_planning_at_once_do_not_both_pass_the_cap(world, replicas) -> None:  # type: ignore[no-untyped-def]
    patient = await world.person()
    k = 7
    consumers = replicas(4)
    envelopes = [Envelope.of(cancellation(patient)) for _ in range(CAP + k)]
    await asyncio.gather(*(consumers[i % len(consumers)](e)
                           for i, e in enumerate(envelopes)))
    # and codes' and turns' kinds go whatever the count, also at once
    calls = [Envelope.of(PatientCalled(
        ticket_id=uuid.uuid4(), number=i, patient_id=patient, doctor_id=uuid.uuid4(),
        room="1", called_at=world.clock.now())) for i in range(CAP + k)]
    await asyncio.gather(*(consumers[i % len(consumers)](e) for i, e in enumerate(calls)))
    assert await statuses(world, "appointment_cancelled") == {
        ("sms", "pending"): CAP, ("sms", "capped"): k,
        ("email", "pending"): CAP, ("email", "capped"): k}
    assert await statuses(world, "turn_now") == {("sms", "pending"): CAP + k}
    reported = await world.rows(
        "SELECT body FROM notifications.outbox WHERE name = 'notifications.notification_failed.v1'")
    assert len(reported) == 2 * k
    assert {r.body["payload"]["reason"] for r in reported} == {"capped"}
    while await world.bus.handle(c.SendDue()):
        pass
    sent = [(x.kind, x.channel) for ch in world.channels.values() for _, _, x in ch.sent]
    assert sorted(sent) == sorted([("appointment_cancelled", "sms")] * CAP
                                  + [("appointment_cancelled", "email")] * CAP
                                  + [("turn_now", "sms")] * (CAP + k))
    capped = await world.messages(status="capped", channel="sms")
    assert {r.last_error for r in capped} == {
        f"capped: {CAP} appointment_cancelled by sms within the hour (at most {CAP})"}
    assert {r.attempts for r in capped} == {0}
    assert all(r.destination and "700000001" not in r.destination for r in capped)


def booking(patient: uuid.UUID, appointment_id: uuid.UUID, start) -> AppointmentBooked:  # type: ignore[no-untyped-def]
    return AppointmentBooked(appointment_id=appointment_id, patient_id=patient,
                             doctor_id=uuid.uuid4(), start=start,
                             end=start + timedelta(minutes=30), urgency=3, booked_by=patient)


@pytest.mark.parametrize("order", ["booked first", "cancelled first", "at once"])
async def test_no_reminder_for_a_cancelled_appointment(world, replicas, order) -> None:  # type: ignore[no-untyped-def]
    patient = await world.person(email=None)
    appt, start = uuid.uuid4(), world.clock.now() + timedelta(days=2)
    booked = Envelope.of(booking(patient, appt, start))
    cancelled = Envelope.of(cancellation(patient, appt))
    if order == "at once":  # two replicas, one event each, at the same moment
        first, second = replicas(2)
        await asyncio.gather(first(booked), second(cancelled))
    else:
        pair = (booked, cancelled) if order == "booked first" else (cancelled, booked)
        for envelope in pair:
            await world.consumer(envelope)
    reminders = await world.messages(kind="appointment_reminder")
    assert len(reminders) == 2  # 24 h and 2 h before, by SMS
    assert {(r.status, r.last_error) for r in reminders} == {
        ("cancelled", "appointment cancelled")}
    for when in (world.clock.now(), start - timedelta(hours=24), start - timedelta(hours=2)):
        world.clock.set(when)
        await world.bus.handle(c.SendDue())
    sent = [x.kind for _, _, x in world.channels["sms"].sent]
    assert "appointment_reminder" not in sent and "appointment_cancelled" in sent
    [mark] = await world.rows("SELECT closed FROM notifications.appointment_marks "
                              "WHERE appointment_id = :a", a=appt)
    assert mark.closed == "cancelled"
