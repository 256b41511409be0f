"""Booking limits on the real database, under concurrency: the cap on a patient's active
bookings (counted under a per-patient lock) and one active appointment per patient, doctor and
clinic day (a partial unique index), and the migration that brings them to existing data."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.exc import IntegrityError

from hms_appointments import MIGRATIONS
from hms_appointments.domain import errors as exc
from hms_appointments.domain.actor import PATIENT, RECEPTIONIST, Actor
from hms_appointments.domain.rules import BookingLimits
from hms_appointments.service_layer import commands as c
from hms_platform.migrations import alembic_config, upgrade
from hms_platform.testing.database import scratch_engine


@pytest.mark.parametrize("cap", [3, 5])
async def test_parallel_bookings_by_one_patient_never_pass_the_cap(world, cap: int) -> None:
    bus = world.bus_with(bookings=BookingLimits(max_active=cap))
    me = Actor(await world.register("patient"), PATIENT)
    # Twelve free slots that break no other rule: each with its own doctor, none overlapping.
    slots = world.half_hours(12)  # 09:00 .. 14:30
    doctors = [await world.doctor() for _ in slots]

    results = await asyncio.gather(
        *(bus.handle(c.BookAppointment(me, d, world.at(hhmm)))
          for d, hhmm in zip(doctors, slots, strict=True)),
        return_exceptions=True)

    booked = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, exc.BookingLimitReached)]
    assert (len(booked), len(refused)) == (cap, len(slots) - cap), [
        type(r).__name__ for r in results]
    assert all(r.problem_extra == {"active_bookings": cap, "limit": cap} for r in refused)
    assert await world.scalar(
        "SELECT count(*) FROM appointments.appointments WHERE patient_id = :p "
        "AND status IN ('booked', 'checked_in')", p=me.user_id) == cap
    assert len(await world.events("appointments.appointment_booked.v1")) == cap


async def test_parallel_bookings_with_one_doctor_on_one_day_give_one(bus, world) -> None:
    doctor = await world.doctor()
    for day in (date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)):  # a few rounds
        me = Actor(await world.register("patient"), PATIENT)
        results = await asyncio.gather(
            bus.handle(c.BookAppointment(me, doctor, world.at("09:00", day))),
            bus.handle(c.BookAppointment(me, doctor, world.at("15:00", day))),
            return_exceptions=True)
        booked = [r for r in results if not isinstance(r, BaseException)]
        refused = [r for r in results if isinstance(r, exc.SameDoctorSameDay)]
        assert (len(booked), len(refused)) == (1, 1), [type(r).__name__ for r in results]
        assert await world.scalar(
            "SELECT count(*) FROM appointments.appointments WHERE patient_id = :p",
            p=me.user_id) == 1


async def test_staff_over_the_cap_with_a_reason_and_the_event_carries_it(bus, world) -> None:
    patient, desk = await world.register("patient"), Actor(uuid.uuid4(), RECEPTIONIST)
    for hhmm in ("09:00", "10:00", "11:00"):
        await bus.handle(c.BookAppointment(desk, await world.doctor(), world.at(hhmm),
                                           patient_id=patient))
    with pytest.raises(exc.BookingLimitReached):
        await bus.handle(c.BookAppointment(desk, await world.doctor(), world.at("12:00"),
                                           patient_id=patient))
    await bus.handle(c.BookAppointment(desk, await world.doctor(), world.at("12:00"),
                                       patient_id=patient, override_reason="transplant work-up"))
    events = await world.events("appointments.appointment_booked.v1")
    assert [e["override_reason"] for e in events] == [None, None, None, "transplant work-up"]


async def test_the_day_index_holds_even_when_the_application_is_bypassed(db, bus, world) -> None:
    doctor = await world.doctor()
    patient = await world.register("patient")
    booked = await bus.handle(c.BookAppointment(Actor(patient, PATIENT), doctor,
                                                world.at("09:00")))
    assert await world.scalar("SELECT clinic_day FROM appointments.appointments WHERE id = :i",
                              i=booked.id) == date(2026, 3, 2)
    insert = sa.text(
        "INSERT INTO appointments.appointments (id, patient_id, doctor_id, start_at, end_at, "
        "status, urgency, booked_by, created_at, clinic_day) VALUES (:id, :p, :d, :s, "
        "CAST(:s AS timestamptz) + interval '30 minutes', :st, 3, :p, now(), :day)")
    later = {"p": patient, "d": doctor, "s": world.at("15:00"), "day": date(2026, 3, 2)}
    with pytest.raises(IntegrityError, match="appointments_one_per_doctor_per_day"):
        async with db.begin() as conn:
            await conn.execute(insert, {"id": uuid.uuid4(), **later, "st": "checked_in"})
    async with db.begin() as conn:  # a cancelled row holds no day; another day is free
        await conn.execute(insert, {"id": uuid.uuid4(), **later, "st": "cancelled"})
        await conn.execute(insert, {"id": uuid.uuid4(), **later, "st": "booked",
                                    "s": world.at("15:00", date(2026, 3, 3)),
                                    "day": date(2026, 3, 3)})
    assert await world.scalar("SELECT count(*) FROM appointments.appointments") == 3


async def test_reschedule_into_a_day_with_that_doctor_is_409_and_keeps_the_original(
    bus, world
) -> None:
    doctor = await world.doctor()
    me = Actor(await world.register("patient"), PATIENT)
    await bus.handle(c.BookAppointment(me, doctor, world.at("09:00")))
    tuesday = await bus.handle(c.BookAppointment(me, doctor, world.at("09:00", date(2026, 3, 3))))
    with pytest.raises(exc.SameDoctorSameDay):
        await bus.handle(c.RescheduleAppointment(me, tuesday.id, world.at("16:00")))
    kept = await bus.handle(c.GetAppointment(me, tuesday.id))
    assert (kept.start, kept.clinic_day) == (world.at("09:00", date(2026, 3, 3)),
                                             date(2026, 3, 3))
    assert await world.events("appointments.appointment_rescheduled.v1") == []
    with pytest.raises(exc.BeyondHorizon):
        await bus.handle(c.RescheduleAppointment(me, tuesday.id,
                                                 world.at("09:00", date(2026, 9, 1))))


async def test_the_migration_fills_clinic_days_and_grandfathers_existing_duplicates(
    postgres_url, monkeypatch
) -> None:
    """0001 data (as booked before the rule, the reported abuse included) upgrades cleanly."""
    monkeypatch.delenv("APPOINTMENTS_CLINIC_TIMEZONE", raising=False)  # the default: Nairobi
    async with scratch_engine(postgres_url) as engine:
        await upgrade(engine, MIGRATIONS, "0001")
        patient, doctor = uuid.uuid4(), uuid.uuid4()
        first, second, third, cancelled, late = (uuid.uuid4() for _ in range(5))
        rows = [  # (id, start, status): three active with one doctor on Monday 2 March
            (first, datetime(2026, 3, 2, 6, 0, tzinfo=UTC), "booked"),
            (second, datetime(2026, 3, 2, 7, 0, tzinfo=UTC), "booked"),
            (third, datetime(2026, 3, 2, 8, 0, tzinfo=UTC), "checked_in"),
            (cancelled, datetime(2026, 3, 2, 9, 0, tzinfo=UTC), "cancelled"),
            (late, datetime(2026, 3, 2, 21, 30, tzinfo=UTC), "booked"),  # 00:30 on 3 March
        ]
        async with engine.begin() as conn:
            for row_id, start, status in rows:
                await conn.execute(sa.text(
                    "INSERT INTO appointments.appointments (id, patient_id, doctor_id, start_at,"
                    " end_at, status, urgency, booked_by, created_at) VALUES (:i, :p, :d, :s, "
                    "CAST(:s AS timestamptz) + interval '30 minutes', :st, 3, :p, now())"),
                    {"i": row_id, "p": patient, "d": doctor, "s": start, "st": status})

        await upgrade(engine, MIGRATIONS, "0002")

        async with engine.connect() as conn:
            days = dict((await conn.execute(sa.text(
                "SELECT id, clinic_day FROM appointments.appointments"))).all())
            version = (await conn.execute(sa.text(
                "SELECT version_num FROM appointments.alembic_version"))).scalar_one()
        assert version == "0002"
        assert days == {first: date(2026, 3, 2), second: None, third: None,
                        cancelled: date(2026, 3, 2), late: date(2026, 3, 3)}
        with pytest.raises(IntegrityError, match="appointments_one_per_doctor_per_day"):
            async with engine.begin() as conn:  # from now on the rule holds
                await conn.execute(sa.text(
                    "UPDATE appointments.appointments SET clinic_day = '2026-03-02' "
                    "WHERE id = :i"), {"i": second})

        def downgrade(connection: sa.Connection) -> None:
            cfg = alembic_config(MIGRATIONS)
            cfg.attributes["connection"] = connection
            command.downgrade(cfg, "0001")

        async with engine.begin() as conn:
            await conn.run_sync(downgrade)
            columns = (await conn.execute(sa.text(
                "SELECT count(*) FROM information_schema.columns WHERE table_schema = "
                "'appointments' AND table_name = 'appointments' AND column_name = 'clinic_day'"
            ))).scalar_one()
        assert columns == 0


def test_horizon_and_cap_defaults_reach_the_bus(settings) -> None:
    bookings = settings.rules().bookings
    assert (bookings.max_active, bookings.horizon) == (3, timedelta(days=90))
