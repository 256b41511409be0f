"""The process entrypoints over the real database: the embedded component and its consumer
(duplicate concurrent deliveries, check-in then cancellation; completing an appointment serves
its called ticket), the relay of our outbox rows, and the CLI's migrate."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from hms_contracts.appointments import AppointmentCancelled, AppointmentCompleted
from hms_contracts.auth import UserRegistered
from hms_contracts.envelope import Envelope
from hms_platform.messaging.memory import InMemoryBus
from hms_platform.testing.database import head, revision
from hms_platform.testing.relay import relayed
from hms_queue import MIGRATIONS
from hms_queue.adapters.orm import TABLES
from hms_queue.domain.actor import Actor
from hms_queue.embedded import component
from hms_queue.entrypoints import cli
from hms_queue.service_layer import commands as c


async def test_the_embedded_consumer_takes_check_ins_and_cancellations_once(
        db, world, monkeypatch) -> None:
    # The embedded run is "dev": it generates the display secret, and the queue requires one.
    monkeypatch.setenv("QUEUE_DISPLAY_SECRET", "generated-by-the-embedded-runner-" + "x" * 20)
    bus = InMemoryBus(duplicate=True)  # every message twice, concurrently
    part = component(world.engine.url.render_as_string(hide_password=False), bus)
    assert (part.name, part.prefix, part.migrations, part.tables.schema) == (
        "queue", "/api/queue", MIGRATIONS, "queue")
    try:
        for sub in part.subscriptions:
            await bus.subscribe(sub.queue, sub.routing_keys, sub.handler)
        doctor = uuid.uuid4()
        await bus.publish(Envelope.of(UserRegistered(user_id=doctor, role="doctor",
                                                     full_name="Dr Q", room="3")))
        checked_in = [world.check_in(doctor) for _ in range(3)]
        for event in checked_in:
            await bus.publish(event)
        first = checked_in[0].payload
        await bus.publish(Envelope.of(AppointmentCancelled(
            appointment_id=first["appointment_id"], patient_id=first["patient_id"],
            doctor_id=doctor, cancelled_by=uuid.uuid4(), late=False)))
        await bus.drain()
    finally:
        await part.engine.dispose()
    assert bus.dead_letters == {}
    # Deliveries are concurrent, so the cancellation may come before its check-in: then that
    # check-in opens no ticket. Either way two tickets wait and the first appointment's never.
    assert await world.scalar(
        "SELECT count(*) FROM queue.tickets WHERE status = 'waiting'") == 2
    first_status = await world.scalar(
        "SELECT coalesce((SELECT status FROM queue.tickets WHERE appointment_id = :a), "
        "(SELECT 'closed' FROM queue.closed_appointments WHERE appointment_id = :a))",
        a=first["appointment_id"])
    assert first_status in ("cancelled", "closed")
    assert len(await world.events("queue.ticket_issued.v1")) == (
        3 if first_status == "cancelled" else 2)
    assert await world.scalar("SELECT room FROM queue.people WHERE id = :i", i=doctor) == "3"


async def test_completing_an_appointment_serves_its_called_ticket_through_the_bus(
        db, world, monkeypatch) -> None:
    monkeypatch.setenv("QUEUE_DISPLAY_SECRET", "generated-by-the-embedded-runner-" + "x" * 20)
    bus = InMemoryBus(duplicate=True)  # every message twice, concurrently
    part = component(world.engine.url.render_as_string(hide_password=False), bus)
    assert "appointments.appointment_completed.v1" in part.subscriptions[0].routing_keys
    try:
        for sub in part.subscriptions:
            await bus.subscribe(sub.queue, sub.routing_keys, sub.handler)
        doctor = await world.register("doctor", room="5")
        checked_in = world.check_in(doctor)
        await bus.publish(checked_in)
        await bus.drain()
        # the component's clock is the system's: its bus calls today's line
        called = await part.app.state.bus.handle(c.CallNext(Actor(doctor, "doctor"), doctor))
        assert str(called.appointment_id) == checked_in.payload["appointment_id"]
        for _ in range(2):  # a re-published completion (a new event id) changes nothing
            await bus.publish(Envelope.of(AppointmentCompleted(
                appointment_id=called.appointment_id, patient_id=called.patient_id,
                doctor_id=doctor, completed_at=datetime.now(UTC))))
        await bus.drain()
    finally:
        await part.engine.dispose()
    assert bus.dead_letters == {}
    assert await world.scalar("SELECT status FROM queue.tickets WHERE id = :i",
                              i=called.id) == "served"
    served = await world.events("queue.patient_served.v1")
    assert [p["ticket_id"] for p in served] == [str(called.id)]
    assert await world.scalar(
        "SELECT count(*) FROM queue.ticket_history WHERE ticket_id = :i AND action = 'served'",
        i=called.id) == 1


async def test_the_relay_publishes_our_outbox_rows(bus, world) -> None:
    doctor = await world.register("doctor")
    await world.walk_in(doctor)
    assert await relayed(world.engine, TABLES, ["queue.#"]) == [
        "queue.ticket_issued.v1", "queue.turn_approaching.v1"]  # nobody ahead


def test_cli_migrate_is_idempotent(migrated_url, monkeypatch) -> None:
    monkeypatch.setenv("QUEUE_DATABASE_URL", migrated_url)
    monkeypatch.setenv("QUEUE_ENVIRONMENT", "test")  # elsewhere the display secret is required
    cli.main(["migrate"])
    cli.main(["migrate"])
    assert revision(migrated_url, "queue") == head(MIGRATIONS)
