"""auth events -> the directory, through the inbox (the promise: a duplicate has one effect)."""

from __future__ import annotations

import asyncio
import uuid

from hms_appointments.entrypoints.consumer import QUEUE, build_consumer
from hms_appointments.service_layer import commands as c
from hms_contracts.auth import UserDeactivated, UserRegistered, UserUpdated
from hms_contracts.envelope import Envelope
from hms_platform.messaging.memory import InMemoryBus


async def test_a_registered_doctor_joins_the_directory_once(bus, world) -> None:
    doctor_id = uuid.uuid4()
    registered = Envelope.of(UserRegistered(user_id=doctor_id, role="doctor",
                                            full_name="Dr Achieng", department="Paediatrics",
                                            room="12"))
    await world.consumer(registered)
    await world.consumer(registered)  # redelivered
    replica = build_consumer(world.settings, world.engine)
    await asyncio.gather(world.consumer(registered), replica(registered))

    page = await bus.handle(c.ListDoctors())
    assert [(d.id, d.full_name, d.department, d.room, d.active) for d in page.items] == [
        (doctor_id, "Dr Achieng", "Paediatrics", "12", True)]
    assert await world.scalar("SELECT count(*) FROM appointments.inbox") == 1


async def test_duplicate_concurrent_delivery_on_the_in_memory_bus(bus, world) -> None:
    memory = InMemoryBus(duplicate=True)  # every message twice, concurrently
    consumer = build_consumer(world.settings, world.engine)
    await memory.subscribe(QUEUE, consumer.routing_keys, consumer)
    ids = [uuid.uuid4() for _ in range(5)]
    for i, user_id in enumerate(ids):
        await memory.publish(Envelope.of(UserRegistered(user_id=user_id, role="doctor",
                                                        full_name=f"Dr {i}")))
    await memory.drain()

    assert await world.scalar("SELECT count(*) FROM appointments.people") == 5
    assert await world.scalar("SELECT count(*) FROM appointments.inbox") == 5
    assert memory.dead_letters == {}


async def test_updates_and_deactivation_reach_the_directory(bus, world) -> None:
    doctor_id = await world.register("doctor", "Dr Otieno", department="General", room="3")
    await world.consumer(Envelope.of(UserUpdated(
        user_id=doctor_id, changed=["room", "full_name"], room="7", full_name="Dr J. Otieno",
        department=None)))  # department not in `changed`: kept
    [doctor] = (await bus.handle(c.ListDoctors())).items
    assert (doctor.full_name, doctor.department, doctor.room) == ("Dr J. Otieno", "General", "7")

    await world.consumer(Envelope.of(UserDeactivated(user_id=doctor_id)))

    assert (await bus.handle(c.ListDoctors())).items == []
    [inactive] = (await bus.handle(c.ListDoctors(include_inactive=True))).items
    assert inactive.id == doctor_id and inactive.active is False


async def test_a_deactivation_that_overtakes_the_registration_wins(bus, world) -> None:
    patient_id = uuid.uuid4()
    await world.consumer(Envelope.of(UserDeactivated(user_id=patient_id)))
    await world.consumer(Envelope.of(UserRegistered(user_id=patient_id, role="patient",
                                                    full_name="Late Arrival")))
    assert await world.scalar("SELECT active FROM appointments.people WHERE id = :i",
                              i=patient_id) is False
    assert await world.scalar("SELECT full_name FROM appointments.people WHERE id = :i",
                              i=patient_id) == "Late Arrival"


async def test_other_roles_are_kept_but_never_listed_as_doctors(bus, world) -> None:
    desk = await world.register("receptionist", "Front Desk")
    assert (await bus.handle(c.ListDoctors())).total == 0
    # ...until auth makes them a doctor: the name is already known.
    await world.consumer(Envelope.of(UserUpdated(user_id=desk, changed=["role"], role="doctor")))
    [doctor] = (await bus.handle(c.ListDoctors())).items
    assert (doctor.id, doctor.full_name) == (desk, "Front Desk")


async def test_concurrent_different_events_about_a_new_user_do_not_lose_each_other(world) -> None:
    replica = build_consumer(world.settings, world.engine)
    for _ in range(5):
        user_id = uuid.uuid4()
        await asyncio.gather(
            world.consumer(Envelope.of(UserRegistered(user_id=user_id, role="doctor",
                                                      full_name="Dr Race", room="5"))),
            replica(Envelope.of(UserDeactivated(user_id=user_id))),
            replica(Envelope.of(UserUpdated(
                user_id=user_id, changed=["department"], department="ENT"))))
        row = await world.scalar(
            "SELECT row(role, full_name, department, room, active)::text "
            "FROM appointments.people WHERE id = :i", i=user_id)
        assert row == "(doctor,\"Dr Race\",ENT,5,f)"
