"""The sender on Postgres: retries with backoff (a provider failing twice, then succeeding),
a sender process killed after its claim (SIGKILL), reminders through booking, reschedule and
cancellation with a FakeClock, push falling back to SMS."""

from __future__ import annotations

import asyncio
import signal
import sys
import uuid
from datetime import timedelta

from hms_contracts.appointments import (
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentRescheduled,
)
from hms_contracts.queue import PatientCalled
from hms_notifications.domain.delivery import Retry, Undeliverable
from hms_notifications.service_layer import commands as c

STUCK_SENDER = """
import asyncio, sys
from datetime import datetime, timedelta
from hms_notifications.adapters.unit_of_work import sql_uow_factory
from hms_notifications.bootstrap import bootstrap
from hms_notifications.config import NotificationsSettings
from hms_notifications.service_layer.commands import SendDue
from hms_platform.db import make_engine
from hms_platform.testing.clock import FakeClock

class Stuck:
    name = "sms"
    async def send(self, address, text, message):
        print("sending", flush=True)
        await asyncio.Event().wait()

async def main():
    url, now = sys.argv[1], datetime.fromisoformat(sys.argv[2])
    settings = NotificationsSettings(environment="test", database_url=url)
    bus = bootstrap(sql_uow_factory(make_engine(url, pool_size=2)), clock=FakeClock(now),
                    rules=settings.rules(), channels={"sms": Stuck()},
                    lease=timedelta(seconds=60))
    await bus.handle(SendDue())

asyncio.run(main())
"""


async def call(world, patient, minutes: int = 0) -> None:  # type: ignore[no-untyped-def]
    await world.deliver(PatientCalled(
        ticket_id=uuid.uuid4(), number=12, patient_id=patient, doctor_id=uuid.uuid4(),
        room="3", called_at=world.clock.now() + timedelta(minutes=minutes)))


async def test_failing_twice_then_succeeding_is_sent_once_with_three_attempts(world) -> None:  # type: ignore[no-untyped-def]
    patient = await world.person(email=None)
    world.channels["sms"].script = [Retry("twilio 500"), Retry("twilio 429", retry_after=20)]
    await call(world, patient)
    for step in (0, 2, 20):
        world.clock.advance(seconds=step)
        await world.bus.handle(c.SendDue())
    [row] = await world.messages()
    assert (row.channel, row.status, row.attempts, row.last_error) == ("sms", "sent", 3, None)
    assert len(world.channels["sms"].sent) == 3
    [event] = await world.rows("SELECT body FROM notifications.outbox")
    assert (event.body["name"], event.body["payload"]["attempts"]) == (
        "notifications.notification_sent.v1", 3)


async def test_a_sender_killed_after_claiming_sends_once_after_the_lease(world) -> None:  # type: ignore[no-untyped-def]
    patient = await world.person(email=None)
    await call(world, patient)
    url = world.settings.database_url.get_secret_value()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", STUCK_SENDER, url, world.clock.now().isoformat(),
        stdout=asyncio.subprocess.PIPE)
    try:
        assert process.stdout is not None
        assert (await process.stdout.readline()).strip() == b"sending"
    finally:
        process.send_signal(signal.SIGKILL)
        await process.wait()
    [row] = await world.messages()
    assert (row.status, row.attempts) == ("sending", 1)
    world.clock.advance(seconds=59)
    assert await world.bus.handle(c.SendDue()) == 0  # still leased to the dead sender
    world.clock.advance(seconds=1)
    assert await world.bus.handle(c.SendDue()) == 1
    [row] = await world.messages()
    assert (row.status, row.attempts) == ("sent", 2)
    assert len(world.channels["sms"].sent) == 1


async def send_at(world, when) -> list[str]:  # type: ignore[no-untyped-def]
    world.clock.set(when)
    before = len(world.channels["sms"].sent)
    await world.bus.handle(c.SendDue())
    return [m.kind for _, _, m in world.channels["sms"].sent[before:]]


async def test_reminders_booked_rescheduled_and_cancelled(world) -> None:  # type: ignore[no-untyped-def]
    patient = await world.person(email=None)
    appt, start = uuid.uuid4(), world.clock.now() + timedelta(days=3)
    await world.deliver(AppointmentBooked(
        appointment_id=appt, patient_id=patient, doctor_id=uuid.uuid4(), start=start,
        end=start + timedelta(minutes=30), urgency=3, booked_by=patient))
    assert await send_at(world, world.clock.now()) == ["appointment_booked"]
    new_start = start + timedelta(days=1)
    await world.deliver(AppointmentRescheduled(appointment_id=appt, old_start=start,
                                               new_start=new_start))
    assert await send_at(world, start - timedelta(hours=2)) == []  # the old ones are gone
    old = await world.messages(kind="appointment_reminder", status="cancelled")
    assert len(old) == 2
    assert await send_at(world, new_start - timedelta(hours=24)) == ["appointment_reminder"]
    await world.deliver(AppointmentCancelled(
        appointment_id=appt, patient_id=patient, doctor_id=uuid.uuid4(), cancelled_by=patient,
        late=False))
    assert await send_at(world, new_start - timedelta(hours=2)) == ["appointment_cancelled"]
    assert await send_at(world, new_start) == []
    statuses = sorted((r.due_at == new_start - timedelta(hours=2), r.status)
                      for r in await world.messages(kind="appointment_reminder"))
    assert statuses == [(False, "cancelled"), (False, "cancelled"), (False, "sent"),
                        (True, "cancelled")]


async def test_a_dead_device_is_dropped_and_sms_goes_instead(world) -> None:  # type: ignore[no-untyped-def]
    from hms_notifications.domain.model import Preferences

    patient = await world.person(email=None)
    async with world.bus.uow_factory() as uow:
        await uow.preferences.put(Preferences(patient, frozenset({"push"}), devices=("tok-1",)))
        await uow.commit()
    world.channels["push"].script = [Undeliverable("push: token unregistered", ("tok-1",))]
    await call(world, patient)
    await world.bus.handle(c.SendDue())
    await world.bus.handle(c.SendDue())
    assert [(r.channel, r.status) for r in await world.messages()] == [
        ("push", "failed"), ("sms", "sent")]
    assert await world.rows("SELECT * FROM notifications.devices") == []


class Slow:
    """A provider that answers only when told to."""

    name = "sms"

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.waiting = asyncio.Event()

    async def send(self, address, text, message):  # type: ignore[no-untyped-def]
        from hms_notifications.domain.delivery import Sent

        self.waiting.set()
        await self.release.wait()
        return Sent("SM-slow")


async def test_a_slow_provider_does_not_hold_up_the_events(world) -> None:  # type: ignore[no-untyped-def]
    patient = await world.person(email=None)
    await call(world, patient)
    slow = Slow()
    sender = asyncio.create_task(world.make_bus({"sms": slow}).handle(c.SendDue()))
    await slow.waiting.wait()  # the sender holds the first message at the provider
    await call(world, patient, minutes=1)  # the consumer goes on meanwhile
    assert sorted(r.status for r in await world.messages()) == ["pending", "sending"]
    slow.release.set()
    assert await sender == 1
    assert sorted(r.status for r in await world.messages()) == ["pending", "sent"]


async def test_a_new_message_wakes_the_sender_without_waiting_for_its_poll(world) -> None:  # type: ignore[no-untyped-def]
    """The sender polls only every hour here: the turn notice still goes, woken by the NOTIFY
    its message's insert sends at commit."""
    from hms_notifications.entrypoints.scheduler import run_sender
    from hms_platform.testing.polling import eventually

    patient = await world.person(email=None)
    settings = world.settings.model_copy(update={"sender_interval_seconds": 3600})
    stop = asyncio.Event()
    sending = asyncio.create_task(run_sender(settings, world.engine, stop, clock=world.clock,
                                             channels=world.channels))
    try:
        await call(world, patient)

        async def sent() -> bool:
            return bool(world.channels["sms"].sent)

        await eventually(sent, timeout=30)
        assert [row.status for row in await world.messages(channel="sms")] == ["sent"]
    finally:
        stop.set()
        await sending
