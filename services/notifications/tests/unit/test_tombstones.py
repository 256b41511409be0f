"""Reminders of an appointment that no longer holds (security review, finding 8): events may
arrive in any order, and a cancellation handled before its booking once let the booking's
reminders out. A cancellation or no-show leaves a tombstone, a reschedule marks the start it
left; a booking or reschedule handled later respects them, and so does the sender."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from hms_contracts.appointments import (
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentNoShow,
    AppointmentRescheduled,
)
from hms_notifications.domain import model as m
from hms_notifications.service_layer import commands as c

REMINDER = "appointment_reminder"


async def handle(fake, event) -> None:  # type: ignore[no-untyped-def]
    await fake.bus.handle(event, uow=fake.uow())


def events(fake, appt, start):  # type: ignore[no-untyped-def]
    doctor = uuid.uuid4()
    return {
        "booked": AppointmentBooked(
            appointment_id=appt, patient_id=fake.patient, doctor_id=doctor, start=start,
            end=start + timedelta(minutes=30), urgency=3, booked_by=fake.patient),
        "cancelled": AppointmentCancelled(appointment_id=appt, patient_id=fake.patient,
                                          doctor_id=doctor, cancelled_by=fake.patient,
                                          late=False),
        "no_show": AppointmentNoShow(appointment_id=appt, patient_id=fake.patient,
                                     doctor_id=doctor, start=start, marked_by="scheduler"),
        "rescheduled": AppointmentRescheduled(
            appointment_id=appt, old_start=start, new_start=start + timedelta(days=1),
            patient_id=fake.patient),
    }


async def sent_until(fake, until) -> list[str]:  # type: ignore[no-untyped-def]
    """Run the sender every 30 minutes of fake time up to ``until``: the kinds sent by SMS."""
    while fake.clock.now() <= until:
        await fake.bus.handle(c.SendDue())
        fake.clock.advance(minutes=30)
    return [x.kind for _, _, x in fake.channels["sms"].sent]


@pytest.mark.parametrize("order", [
    ["booked", "cancelled"], ["cancelled", "booked"],
    ["booked", "rescheduled", "cancelled"], ["cancelled", "rescheduled", "booked"],
    ["rescheduled", "cancelled", "booked"], ["booked", "cancelled", "rescheduled"],
    ["cancelled", "booked", "rescheduled"],
])
async def test_no_reminder_for_a_cancelled_appointment_whatever_the_order(fake, order) -> None:  # type: ignore[no-untyped-def]
    appt, start = uuid.uuid4(), fake.at("10:00", day=4)
    given = events(fake, appt, start)
    for name in order:
        await handle(fake, given[name])
    reminders = fake.store.of(kind=REMINDER)
    assert reminders and {x.status for x in reminders} == {m.CANCELLED}
    assert {x.last_error for x in reminders} <= {"appointment cancelled",
                                                 "appointment rescheduled"}
    sent = await sent_until(fake, start + timedelta(days=2))
    assert REMINDER not in sent and "appointment_cancelled" in sent
    if order[0] == "cancelled":  # nor a confirmation after the cancellation
        assert "appointment_booked" not in sent
        assert {x.last_error for x in fake.store.of(kind="appointment_booked")} == {
            "appointment cancelled"}


async def test_a_booking_after_its_no_show_plans_nothing_to_send(fake) -> None:  # type: ignore[no-untyped-def]
    appt, start = uuid.uuid4(), fake.at("10:00", day=4)
    given = events(fake, appt, start)
    await handle(fake, given["no_show"])
    await handle(fake, given["booked"])
    assert {(x.status, x.last_error) for x in fake.store.of()} == {
        (m.CANCELLED, "appointment no-show")}
    assert await sent_until(fake, start) == []


async def test_a_booking_after_its_reschedule_reminds_of_the_new_start_only(fake) -> None:  # type: ignore[no-untyped-def]
    appt, start = uuid.uuid4(), fake.at("10:00", day=4)
    given = events(fake, appt, start)
    new_start = start + timedelta(days=1)
    await handle(fake, given["rescheduled"])
    await handle(fake, given["booked"])
    stale = [x for x in fake.store.of() if x.params.get("start") == start.isoformat()]
    assert {(x.kind, x.status, x.last_error) for x in stale} == {
        ("appointment_booked", m.CANCELLED, "appointment rescheduled"),
        (REMINDER, m.CANCELLED, "appointment rescheduled")}
    await sent_until(fake, new_start)
    reminded = [x.params["start"] for _, _, x in fake.channels["sms"].sent if x.kind == REMINDER]
    assert reminded == [new_start.isoformat()] * 2


async def test_the_sender_checks_the_tombstone_at_send_time(fake) -> None:  # type: ignore[no-untyped-def]
    """A reminder planned while the cancellation was being handled elsewhere (both committed;
    neither saw the other): the sender still does not send it."""
    appt, start = uuid.uuid4(), fake.at("10:00", day=4)
    await handle(fake, events(fake, appt, start)["booked"])
    fake.store.marks[appt] = m.AppointmentMark(appt, "cancelled")  # as the other replica left
    await sent_until(fake, start)
    assert not fake.channels["sms"].sent
    assert {(x.kind, x.status, x.last_error) for x in fake.store.of(channel="sms")} == {
        ("appointment_booked", m.CANCELLED, "appointment cancelled"),
        (REMINDER, m.CANCELLED, "appointment cancelled")}


async def test_the_events_of_one_appointment_take_its_lock(fake) -> None:  # type: ignore[no-untyped-def]
    appt = uuid.uuid4()
    for event in events(fake, appt, fake.at("10:00", day=4)).values():
        await handle(fake, event)
    assert fake.store.locked.count(f"appointment:{appt}") == 4


def test_a_mark_voids_only_what_speaks_of_the_booking() -> None:
    appt, start, now = uuid.uuid4(), "2026-03-04T07:00:00+00:00", datetime.now(UTC)

    def msg(kind: str, subject: uuid.UUID = appt) -> m.Message:
        return m.Message(uuid.uuid4(), uuid.uuid4(), kind, "sms", "k", now, now, subject,
                         {"start": start})

    # the same instant in another zone is the same start
    moved = m.AppointmentMark(appt, moved_from=frozenset({
        datetime.fromisoformat("2026-03-04T10:00:00+03:00")}))
    assert moved.voids(msg(REMINDER)) == "appointment rescheduled"
    assert moved.voids(msg(REMINDER, uuid.uuid4())) is None
    closed = m.AppointmentMark(appt, "cancelled")
    assert closed.voids(msg("appointment_booked")) == "appointment cancelled"
    assert closed.voids(msg("appointment_cancelled")) is None
    assert m.AppointmentMark(appt).voids(msg(REMINDER)) is None
