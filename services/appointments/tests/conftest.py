"""Fixtures shared by integration/ and e2e/: a migrated session database, emptied before each
test, and helpers that seed the directory through the real auth-event consumer
(hms_platform.testing.fixtures: what every service's conftest declares alike).

(Test files run in importlib mode and cannot import this module: they get everything here
through fixtures.)"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, date, datetime, time
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from hms_appointments import MIGRATIONS
from hms_appointments.adapters.unit_of_work import sql_uow_factory
from hms_appointments.bootstrap import bootstrap
from hms_appointments.config import AppointmentsSettings
from hms_appointments.domain.actor import ADMIN, Actor
from hms_appointments.domain.schedule import WeeklyHours
from hms_appointments.entrypoints.consumer import build_consumer
from hms_appointments.service_layer import commands as c
from hms_platform.messagebus import MessageBus
from hms_platform.testing.fixtures import bus_fixture, service_fixtures, world_fixture

# Monday 2 March 2026, 08:00 in Nairobi (UTC+3, no DST): the clinic opens at 09:00.
MONDAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)
NAIROBI = ZoneInfo("Africa/Nairobi")

migrated_url, db, settings, clock = service_fixtures(
    MIGRATIONS, "appointments", AppointmentsSettings, NOW, pool_size=12,
    clinic_timezone="Africa/Nairobi")
bus = bus_fixture(lambda db, clock, settings: bootstrap(
    sql_uow_factory(db), clock=clock, rules=settings.rules()))


def _helpers(world: SimpleNamespace) -> dict[str, Any]:
    """``doctor(...)``: a doctor with weekly hours; ``at(hhmm, day)``: clinic time as UTC;
    ``half_hours(n)``; ``bus_with(**rules)``: handlers with other limits."""
    admin = Actor(uuid.uuid4(), ADMIN)

    async def doctor(slot_minutes: int = 30, hours: tuple[str, str] = ("09:00", "17:00"),
                     **extra: Any) -> uuid.UUID:
        doctor_id: uuid.UUID = await world.register("doctor", department="General", room="1",
                                                    **extra)
        weekly = tuple(WeeklyHours(d, time.fromisoformat(hours[0]), time.fromisoformat(hours[1]))
                       for d in range(7))
        await world.bus.handle(c.SetSchedule(admin, doctor_id, slot_minutes, weekly))
        return doctor_id

    def at(hhmm: str, day: date = MONDAY) -> datetime:
        """A clinic wall-clock time on ``day`` as a UTC instant."""
        return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=NAIROBI).astimezone(UTC)

    def half_hours(count: int) -> list[str]:
        """``count`` clinic times half an hour apart from 09:00: "09:00", "09:30", ..."""
        return [f"{9 + i // 2:02d}:{30 * (i % 2):02d}" for i in range(count)]

    def bus_with(**rules: Any) -> MessageBus:
        """Handlers over the real database with these of the settings' rules replaced."""
        return bootstrap(sql_uow_factory(world.engine), clock=world.clock,
                         rules=dataclasses.replace(world.settings.rules(), **rules))

    return {"doctor": doctor, "at": at, "admin": admin, "half_hours": half_hours,
            "bus_with": bus_with}


world = world_fixture("appointments", build_consumer, sql_uow_factory, _helpers)
