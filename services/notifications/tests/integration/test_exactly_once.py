"""Nothing done twice: the same event delivered three times to three consumer instances at
once gives one message per channel, in the database and through RabbitMQ; three senders at
once send each message once."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from hms_contracts.appointments import AppointmentBooked
from hms_contracts.envelope import Envelope
from hms_notifications.entrypoints.consumer import QUEUE
from hms_notifications.service_layer import commands as c
from hms_platform.messaging.rabbit import RabbitBus
from hms_platform.testing.plugin import track_bus
from hms_platform.testing.polling import eventually


def booking(patient: uuid.UUID, start, appointment_id=None) -> AppointmentBooked:  # type: ignore[no-untyped-def]
    return AppointmentBooked(appointment_id=appointment_id or uuid.uuid4(), patient_id=patient,
                             doctor_id=uuid.uuid4(), start=start,
                             end=start + timedelta(minutes=30), urgency=3, booked_by=patient)


async def test_one_event_three_times_to_three_consumers_at_once(world, replicas) -> None:  # type: ignore[no-untyped-def]
    patient = await world.person()
    envelope = Envelope.of(booking(patient, world.clock.now() + timedelta(days=2)))
    consumers = replicas()
    await asyncio.gather(*(consumer(envelope) for consumer in consumers))
    booked = await world.messages(kind="appointment_booked")
    assert sorted(r.channel for r in booked) == ["email", "sms"]  # no device: push -> sms
    assert len(await world.messages(kind="appointment_reminder")) == 2  # 24 h and 2 h, sms


async def test_the_same_fact_published_three_times_under_new_ids(world, replicas) -> None:  # type: ignore[no-untyped-def]
    patient = await world.person()
    event = booking(patient, world.clock.now() + timedelta(days=2))
    consumers = replicas()
    await asyncio.gather(*(consumer(Envelope.of(event)) for consumer in consumers))
    assert len(await world.messages(kind="appointment_booked")) == 2
    assert len(await world.rows("SELECT * FROM notifications.inbox")) == 4  # + registration


async def test_through_rabbitmq_to_three_competing_consumers(world, replicas, amqp_url) -> None:  # type: ignore[no-untyped-def]
    prefix = f"n{uuid.uuid4().hex[:8]}."
    patient = await world.person()
    envelope = Envelope.of(booking(patient, world.clock.now() + timedelta(days=2)))
    buses = []
    try:
        for consumer in replicas():
            bus = track_bus(RabbitBus(amqp_url, prefix=prefix))
            await bus.connect()
            await bus.subscribe(QUEUE, consumer.routing_keys, consumer)
            buses.append(bus)
        for _ in range(3):
            await buses[0].publish(envelope)

        async def handled() -> bool:
            return len(await world.rows("SELECT 1 FROM notifications.inbox")) == 2

        await eventually(handled)
        await asyncio.sleep(0.5)  # any straggler redelivery would add rows now
    finally:
        for bus in buses:
            await bus.close()
    assert sorted(r.channel for r in await world.messages(kind="appointment_booked")) == [
        "email", "sms"]


async def test_three_senders_at_once_send_each_message_once(world, own_engine) -> None:  # type: ignore[no-untyped-def]
    # Each their own phone and email (auth keeps phone numbers unique; the hourly cap counts
    # per address).
    patients = [await world.person(phone=f"+2547000001{i:02d}", email=f"p{i}@example.org")
                for i in range(10)]
    for patient in patients:
        await world.deliver(booking(patient, world.clock.now() + timedelta(days=2)))
    senders = [world.make_bus(engine=own_engine(pool_size=6)) for _ in range(3)]
    for _ in range(3):
        await asyncio.gather(*(bus.handle(c.SendDue(batch_size=4)) for bus in senders))
    sent = [t.id for ch in world.channels.values() for _, _, t in ch.sent]
    assert len(sent) == len(set(sent)) == 20  # 10 patients x (sms, email)
    rows = await world.messages(kind="appointment_booked")
    assert {(r.status, r.attempts) for r in rows} == {("sent", 1)}
    assert len(await world.rows(
        "SELECT 1 FROM notifications.outbox WHERE name = 'notifications.notification_sent.v1'"
    )) == 20
