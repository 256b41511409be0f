"""No double booking, decided by the database (correctness under concurrency)."""

from __future__ import annotations

import asyncio
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from hms_appointments.domain import errors as exc
from hms_appointments.domain.actor import RECEPTIONIST, Actor
from hms_appointments.service_layer import commands as c


async def test_fifty_concurrent_bookings_of_one_slot_give_one_appointment(bus, world) -> None:
    doctor = await world.doctor()
    patients = [await world.register("patient") for _ in range(50)]
    desk = Actor(uuid.uuid4(), RECEPTIONIST)
    start = world.at("10:00")

    results = await asyncio.gather(
        *(bus.handle(c.BookAppointment(desk, doctor, start, patient_id=p)) for p in patients),
        return_exceptions=True)

    booked = [r for r in results if not isinstance(r, BaseException)]
    taken = [r for r in results if isinstance(r, exc.SlotTaken)]
    assert len(booked) == 1 and len(taken) == 49, [type(r).__name__ for r in results]
    assert await world.scalar("SELECT count(*) FROM appointments.appointments") == 1
    assert len(await world.events("appointments.appointment_booked.v1")) == 1


async def test_a_patient_cannot_hold_two_overlapping_appointments(bus, world) -> None:
    first, second = await world.doctor(), await world.doctor(slot_minutes=60)
    patient = await world.register("patient")
    me = Actor(patient, "patient")
    await bus.handle(c.BookAppointment(me, first, world.at("10:00")))

    with pytest.raises(exc.PatientBusy):  # 10:00-11:00 with another doctor overlaps 10:00-10:30
        await bus.handle(c.BookAppointment(me, second, world.at("10:00")))
    assert await world.scalar("SELECT count(*) FROM appointments.appointments") == 1


async def test_the_constraints_hold_even_when_the_application_is_bypassed(db, bus, world) -> None:
    doctor = await world.doctor()
    patient = await world.register("patient")
    booked = await bus.handle(c.BookAppointment(Actor(patient, "patient"), doctor,
                                                world.at("10:00")))
    insert = sa.text(
        "INSERT INTO appointments.appointments (id, patient_id, doctor_id, start_at, end_at, "
        "status, urgency, booked_by, created_at) VALUES (:id, :p, :d, :s, :e, :st, 3, :p, now())")
    row = {"s": booked.start + (booked.end - booked.start) / 2, "e": booked.end, "st": "booked"}
    for name, who in (("appointments_no_doctor_overlap", {"p": uuid.uuid4(), "d": doctor}),
                      ("appointments_no_patient_overlap", {"p": patient, "d": uuid.uuid4()})):
        with pytest.raises(IntegrityError, match=name):
            async with db.begin() as conn:
                await conn.execute(insert, {"id": uuid.uuid4(), **row, **who})
    async with db.begin() as conn:  # a cancelled row holds no slot, so it may overlap
        await conn.execute(insert, {"id": uuid.uuid4(), **row, "st": "cancelled",
                                    "p": uuid.uuid4(), "d": doctor})
    assert await world.scalar("SELECT count(*) FROM appointments.appointments") == 2
