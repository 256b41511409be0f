"""The cap on a patient's own cancellations on the real database, under concurrency: they are
counted under the patient's advisory lock, in the cancelling transaction, so parallel
cancellations by one patient cannot each see room under the cap."""

from __future__ import annotations

import asyncio

import pytest

from hms_appointments.domain import errors as exc
from hms_appointments.domain.actor import PATIENT, Actor
from hms_appointments.domain.rules import BookingLimits, CancellationLimit
from hms_appointments.service_layer import commands as c


@pytest.mark.parametrize("cap", [1, 3])
async def test_parallel_cancellations_by_one_patient_never_pass_the_cap(world, cap: int) -> None:
    slots = world.half_hours(8)  # 09:00 .. 12:30
    bus = world.bus_with(bookings=BookingLimits(max_active=len(slots)),
                         cancellations=CancellationLimit(max_per_window=cap))
    me = Actor(await world.register("patient"), PATIENT)
    held = [await bus.handle(c.BookAppointment(me, await world.doctor(), world.at(hhmm)))
            for hhmm in slots]

    results = await asyncio.gather(
        *(bus.handle(c.CancelAppointment(me, appt.id)) for appt in held),
        return_exceptions=True)

    cancelled = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, exc.TooManyCancellations)]
    assert (len(cancelled), len(refused)) == (cap, len(slots) - cap), [
        type(r).__name__ for r in results]
    assert all(r.problem_extra["cancellations"] == cap for r in refused)
    assert await world.scalar(
        "SELECT count(*) FROM appointments.appointments WHERE patient_id = :p "
        "AND status = 'cancelled'", p=me.user_id) == cap
    assert len(await world.events("appointments.appointment_cancelled.v1")) == cap
    # And a booking racing nothing now: refused as well, until the window has passed.
    with pytest.raises(exc.TooManyCancellations):
        await bus.handle(c.BookAppointment(me, await world.doctor(), world.at("15:00")))


async def test_the_query_counts_the_patients_own_cancellations_after_an_instant(
    bus, world, clock
) -> None:
    me, doctor = Actor(await world.register("patient"), PATIENT), await world.doctor()
    by_staff = await bus.handle(c.BookAppointment(me, doctor, world.at("09:00")))
    await bus.handle(c.CancelAppointment(world.admin, by_staff.id))  # the desk's: not counted
    own = []
    for _ in range(2):
        clock.advance(minutes=10)
        appt = await bus.handle(c.BookAppointment(me, doctor, world.at("10:00")))
        own.append((await bus.handle(c.CancelAppointment(me, appt.id))).cancelled_at)
    async with world.uow_factory() as uow:
        everything = await uow.appointments.self_cancelled_since(me.user_id, world.at("00:00"))
        after_first = await uow.appointments.self_cancelled_since(me.user_id, own[0])
    assert everything == own and after_first == own[1:]  # oldest first; strictly after
