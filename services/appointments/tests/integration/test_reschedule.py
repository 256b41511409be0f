"""Rescheduling under the database's rules: into a taken slot fails, the original stays."""

from __future__ import annotations

import uuid

import pytest

from hms_appointments.domain import errors as exc
from hms_appointments.domain.actor import PATIENT, Actor
from hms_appointments.service_layer import commands as c


async def test_reschedule_into_a_taken_slot_fails_and_keeps_the_original(bus, world) -> None:
    doctor = await world.doctor()
    alice = Actor(await world.register("patient"), PATIENT)
    bob = Actor(await world.register("patient"), PATIENT)
    mine = await bus.handle(c.BookAppointment(alice, doctor, world.at("10:00")))
    await bus.handle(c.BookAppointment(bob, doctor, world.at("11:00")))

    with pytest.raises(exc.SlotTaken):
        await bus.handle(c.RescheduleAppointment(alice, mine.id, world.at("11:00")))

    kept = await bus.handle(c.GetAppointment(alice, mine.id))
    assert (kept.start, kept.status.value) == (world.at("10:00"), "booked")
    assert await world.events("appointments.appointment_rescheduled.v1") == []


async def test_reschedule_moves_the_same_appointment_and_frees_the_old_slot(bus, world) -> None:
    doctor = await world.doctor()
    alice = Actor(await world.register("patient"), PATIENT)
    mine = await bus.handle(c.BookAppointment(alice, doctor, world.at("10:00")))

    moved = await bus.handle(c.RescheduleAppointment(alice, mine.id, world.at("10:30")))
    # The old slot is free again: someone else can take it.
    other = Actor(uuid.uuid4(), PATIENT)
    await bus.handle(c.BookAppointment(other, doctor, world.at("10:00")))

    assert moved.id == mine.id and moved.start == world.at("10:30")
    [event] = await world.events("appointments.appointment_rescheduled.v1")
    assert event["old_start"].startswith("2026-03-02T07:00:00")
    assert event["new_start"].startswith("2026-03-02T07:30:00")
    assert event["new_end"].startswith("2026-03-02T08:00:00")
    assert event["doctor_id"] == str(doctor) and event["patient_id"] == str(alice.user_id)
