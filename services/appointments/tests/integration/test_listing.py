"""Listing on Postgres: the total rides on the rows of the page (one query), and stays right
on an empty page, past the end and under a filter."""

from __future__ import annotations

from hms_appointments.domain.actor import ADMIN, PATIENT, Actor
from hms_appointments.service_layer import commands as c


async def test_pages_carry_the_total_of_the_whole_match(bus, world) -> None:
    doctor, other = await world.doctor(), await world.doctor()
    staff = Actor(await world.register("admin"), ADMIN)
    booked = []
    for hour in ("09:00", "09:30", "10:00", "10:30", "11:00"):
        patient = Actor(await world.register("patient"), PATIENT)
        booked.append((await bus.handle(c.BookAppointment(patient, doctor, world.at(hour)))).id)
    lone = Actor(await world.register("patient"), PATIENT)
    await bus.handle(c.BookAppointment(lone, other, world.at("09:00")))

    def listing(limit: int, offset: int, doctor_id=doctor) -> c.ListAppointments:
        return c.ListAppointments(staff, None, doctor_id, None, None, limit, offset)

    first = await bus.handle(listing(2, 0))
    last = await bus.handle(listing(2, 4))
    beyond = await bus.handle(listing(2, 10))
    everyone = await bus.handle(listing(100, 0, doctor_id=None))
    assert [a.id for a in first.items] == booked[:2] and first.total == 5
    assert [a.id for a in last.items] == booked[4:] and last.total == 5
    assert beyond.items == [] and beyond.total == 5
    assert len(everyone.items) == 6 and everyone.total == 6
    assert first.items[0].status.value == "booked" and first.items[0].doctor_id == doctor
    nobody = await bus.handle(listing(5, 0, doctor_id=(await world.doctor())))
    assert nobody.items == [] and nobody.total == 0
