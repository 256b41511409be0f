"""Fixtures shared by integration/ and e2e/: a migrated session database, emptied before each
test, and helpers that seed the directory through the real auth-event consumer.

(Test files run in importlib mode and cannot import this module: they get everything here
through fixtures.)"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from hms_appointments import MIGRATIONS
from hms_appointments.adapters.unit_of_work import sql_uow_factory
from hms_appointments.bootstrap import bootstrap
from hms_appointments.config import AppointmentsSettings
from hms_appointments.domain.actor import ADMIN, Actor
from hms_appointments.domain.schedule import WeeklyHours
from hms_appointments.entrypoints.consumer import build_consumer
from hms_appointments.service_layer import commands as c
from hms_contracts.auth import UserRegistered
from hms_contracts.envelope import Envelope
from hms_platform.messagebus import MessageBus
from hms_platform.testing.clock import FakeClock
from hms_platform.testing.database import emptied_engine, migrated

# Monday 2 March 2026, 08:00 in Nairobi (UTC+3, no DST): the clinic opens at 09:00.
MONDAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)
NAIROBI = ZoneInfo("Africa/Nairobi")


@pytest.fixture(scope="session")
def migrated_url(database_url: str) -> str:
    return migrated(database_url, MIGRATIONS)


@pytest.fixture
async def db(migrated_url: str) -> AsyncIterator[AsyncEngine]:
    async with emptied_engine(migrated_url, "appointments", pool_size=12) as engine:
        yield engine


@pytest.fixture
def settings(migrated_url: str) -> AppointmentsSettings:
    return AppointmentsSettings(environment="test", database_url=migrated_url,
                                clinic_timezone="Africa/Nairobi")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def bus(db: AsyncEngine, clock: FakeClock, settings: AppointmentsSettings) -> MessageBus:
    return bootstrap(sql_uow_factory(db), clock=clock, rules=settings.rules())


@pytest.fixture
def world(db: AsyncEngine, bus: MessageBus, clock: FakeClock,
          settings: AppointmentsSettings) -> SimpleNamespace:
    """Seeding and inspection helpers over the real database."""
    consumer = build_consumer(settings, db)
    admin = Actor(uuid.uuid4(), ADMIN)

    async def register(role: str, name: str = "", **extra: Any) -> uuid.UUID:
        user_id = extra.pop("user_id", None) or uuid.uuid4()
        await consumer(Envelope.of(UserRegistered(
            user_id=user_id, role=role, full_name=name or f"{role} {str(user_id)[:4]}", **extra)))
        return user_id

    async def doctor(slot_minutes: int = 30, hours: tuple[str, str] = ("09:00", "17:00"),
                     **extra: Any) -> uuid.UUID:
        doctor_id = await register("doctor", department="General", room="1", **extra)
        weekly = tuple(WeeklyHours(d, time.fromisoformat(hours[0]), time.fromisoformat(hours[1]))
                       for d in range(7))
        await bus.handle(c.SetSchedule(admin, doctor_id, slot_minutes, weekly))
        return doctor_id

    def at(hhmm: str, day: date = MONDAY) -> datetime:
        """A clinic wall-clock time on ``day`` as a UTC instant."""
        return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=NAIROBI).astimezone(UTC)

    async def scalar(sql: str, **params: Any) -> Any:
        async with db.connect() as conn:
            return (await conn.execute(sa.text(sql), params)).scalar_one()

    async def events(name: str) -> list[dict[str, Any]]:
        async with db.connect() as conn:
            rows = await conn.execute(sa.text(
                "SELECT body FROM appointments.outbox WHERE name = :n ORDER BY id"), {"n": name})
            return [r.body["payload"] for r in rows]

    return SimpleNamespace(register=register, doctor=doctor, at=at, scalar=scalar,
                           events=events, admin=admin, consumer=consumer, engine=db,
                           uow_factory=sql_uow_factory(db), clock=clock, settings=settings)
