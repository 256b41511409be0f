"""Two scheduler replicas at once: each overdue appointment marked once, penalised once."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from hms_appointments.adapters.unit_of_work import sql_uow_factory
from hms_appointments.bootstrap import bootstrap
from hms_appointments.domain.actor import RECEPTIONIST, Actor
from hms_appointments.service_layer import commands as c


async def test_two_schedulers_mark_each_overdue_appointment_once(db, bus, world, clock,
                                                                  settings) -> None:
    desk = Actor(uuid.uuid4(), RECEPTIONIST)
    doctors = [await world.doctor(slot_minutes=15) for _ in range(3)]
    booked = []
    for doctor in doctors:
        for hhmm in ("09:00", "09:15", "09:30", "09:45", "10:00", "10:15", "10:30"):
            patient = await world.register("patient")
            booked.append(await bus.handle(c.BookAppointment(desk, doctor, world.at(hhmm),
                                                             patient_id=patient)))
    late = await bus.handle(c.BookAppointment(desk, doctors[0], world.at("16:00"),
                                              patient_id=await world.register("patient")))
    clock.set(world.at("10:45") + timedelta(minutes=1))  # 10:30 + 15 min grace has passed

    # Separate buses, separate sessions and connections: two replicas; small batches so they
    # interleave over many transactions.
    replicas = [bootstrap(sql_uow_factory(db), clock=clock, rules=settings.rules())
                for _ in range(2)]
    counts = await asyncio.gather(*(r.handle(c.MarkNoShows(batch_size=2)) for r in replicas))

    assert sum(counts) == len(booked) == 21
    assert await world.scalar(
        "SELECT count(*) FROM appointments.appointments WHERE status = 'no_show' "
        "AND no_show_marked_by = 'scheduler'") == 21
    assert await world.scalar("SELECT count(*) FROM appointments.penalties") == 21
    assert await world.scalar(
        "SELECT count(DISTINCT appointment_id) FROM appointments.penalties") == 21
    no_shows = await world.events("appointments.appointment_no_show.v1")
    penalties = await world.events("appointments.no_show_penalty_applied.v1")
    assert len(no_shows) == len(penalties) == 21
    assert {p["appointment_id"] for p in no_shows} == {str(a.id) for a in booked}
    assert await world.scalar("SELECT status FROM appointments.appointments WHERE id = :i",
                              i=late.id) == "booked"
    assert await replicas[0].handle(c.MarkNoShows()) == 0  # nothing left: a rerun does nothing


async def test_the_grace_period_and_manual_marking_share_one_penalty(bus, world, clock) -> None:
    desk = Actor(uuid.uuid4(), RECEPTIONIST)
    doctor, patient = await world.doctor(), await world.register("patient")
    appt = await bus.handle(c.BookAppointment(desk, doctor, world.at("09:00"),
                                              patient_id=patient))
    clock.set(world.at("09:14"))
    assert await bus.handle(c.MarkNoShows()) == 0  # inside the 15 minutes of grace
    await bus.handle(c.MarkNoShow(desk, appt.id))  # staff may mark it by hand already
    clock.set(world.at("10:00"))
    assert await bus.handle(c.MarkNoShows()) == 0
    assert await world.scalar("SELECT count(*) FROM appointments.penalties") == 1
    [event] = await world.events("appointments.no_show_penalty_applied.v1")
    assert event["active_penalties"] == 1 and event["patient_id"] == str(patient)
    [no_show] = await world.events("appointments.appointment_no_show.v1")
    assert no_show["marked_by"] == str(desk.user_id)


async def test_overdue_from_start_plus_grace_and_only_while_booked(bus, world, clock) -> None:
    """The rule lives in the adapter's query (claim_overdue): status booked and start plus the
    grace period reached, the boundary included; a checked-in appointment is never overdue."""
    desk = Actor(uuid.uuid4(), RECEPTIONIST)
    doctor = await world.doctor(slot_minutes=15)
    waiting, arrived = [await bus.handle(c.BookAppointment(
        desk, doctor, world.at(hhmm), patient_id=await world.register("patient")))
        for hhmm in ("09:00", "09:15")]
    clock.set(world.at("09:15"))
    await bus.handle(c.CheckIn(desk, arrived.id))
    clock.set(world.at("09:15") - timedelta(seconds=1))
    assert await bus.handle(c.MarkNoShows()) == 0  # a second short of the grace period
    clock.set(world.at("09:15"))
    assert await bus.handle(c.MarkNoShows()) == 1  # 09:00 + 15 minutes: the boundary counts
    clock.set(world.at("11:00"))
    assert await bus.handle(c.MarkNoShows()) == 0  # the checked-in one, long past its grace
    assert await world.scalar("SELECT status FROM appointments.appointments WHERE id = :i",
                              i=waiting.id) == "no_show"
    assert await world.scalar("SELECT status FROM appointments.appointments WHERE id = :i",
                              i=arrived.id) == "checked_in"
