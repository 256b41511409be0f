"""Fixtures shared by integration/ and e2e/: a migrated session database, emptied before each
test, and helpers that seed the directory through the real event consumer.

(Test files run in importlib mode and cannot import this module: they get everything here
through fixtures.)"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from hms_contracts.appointments import PatientCheckedIn
from hms_contracts.auth import UserRegistered
from hms_contracts.envelope import Envelope
from hms_platform.messagebus import MessageBus
from hms_platform.testing.clock import FakeClock
from hms_platform.testing.database import emptied_engine, migrated
from hms_queue import MIGRATIONS
from hms_queue.adapters.unit_of_work import sql_uow_factory
from hms_queue.bootstrap import bootstrap
from hms_queue.config import QueueSettings
from hms_queue.domain.actor import RECEPTIONIST, Actor
from hms_queue.entrypoints.consumer import build_consumer
from hms_queue.service_layer import commands as c

NOW = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # Monday 09:00 in Nairobi


@pytest.fixture(scope="session")
def migrated_url(database_url: str) -> str:
    return migrated(database_url, MIGRATIONS)


@pytest.fixture
async def db(migrated_url: str) -> AsyncIterator[AsyncEngine]:
    async with emptied_engine(migrated_url, "queue", pool_size=22) as engine:
        yield engine


@pytest.fixture
def settings(migrated_url: str) -> QueueSettings:
    return QueueSettings(environment="test", database_url=migrated_url,
                         clinic_timezone="Africa/Nairobi", stream_heartbeat_seconds=0.5)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def bus(db: AsyncEngine, clock: FakeClock, settings: QueueSettings) -> MessageBus:
    return bootstrap(sql_uow_factory(db), clock=clock, policy=settings.policy())


@pytest.fixture
def world(db: AsyncEngine, bus: MessageBus, clock: FakeClock,
          settings: QueueSettings) -> SimpleNamespace:
    """Seeding and inspection helpers over the real database."""
    consumer = build_consumer(settings, db)
    desk = Actor(uuid.uuid4(), RECEPTIONIST)

    async def register(role: str, **extra: Any) -> uuid.UUID:
        user_id = extra.pop("user_id", None) or uuid.uuid4()
        await consumer(Envelope.of(UserRegistered(user_id=user_id, role=role,
                                                  full_name=f"{role} {str(user_id)[:4]}",
                                                  **extra)))
        return user_id

    async def walk_in(doctor: uuid.UUID, urgency: int = 3,
                      patient: uuid.UUID | None = None) -> c.TicketView:
        view = await bus.handle(c.IssueTicket(desk, patient or await register("patient"),
                                              doctor, urgency))
        clock.advance(seconds=1)
        return view

    def check_in(doctor: uuid.UUID, urgency: int = 3) -> Envelope:
        return Envelope.of(PatientCheckedIn(
            appointment_id=uuid.uuid4(), patient_id=uuid.uuid4(), doctor_id=doctor,
            urgency=urgency, arrived_at=clock.now()))

    async def scalar(sql: str, **params: Any) -> Any:
        async with db.connect() as conn:
            return (await conn.execute(sa.text(sql), params)).scalar_one()

    async def events(name: str) -> list[dict[str, Any]]:
        async with db.connect() as conn:
            rows = await conn.execute(sa.text(
                "SELECT body FROM queue.outbox WHERE name = :n ORDER BY id"), {"n": name})
            return [r.body["payload"] for r in rows]

    return SimpleNamespace(register=register, walk_in=walk_in, check_in=check_in,
                           scalar=scalar, events=events, desk=desk, consumer=consumer,
                           engine=db, uow_factory=sql_uow_factory(db), clock=clock,
                           settings=settings, bus=bus)
