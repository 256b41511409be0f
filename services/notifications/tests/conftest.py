"""Fixtures shared by integration/ and e2e/: a migrated session database, emptied before each
test, a FakeClock, and helpers that feed events through the real consumer.

(Test files run in importlib mode and cannot import this module: they get everything here
through fixtures.)"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from hms_contracts.auth import UserRegistered
from hms_contracts.envelope import Envelope, EventPayload
from hms_notifications import MIGRATIONS
from hms_notifications.adapters.unit_of_work import sql_uow_factory
from hms_notifications.bootstrap import bootstrap
from hms_notifications.config import NotificationsSettings
from hms_notifications.entrypoints.consumer import CONSUMER
from hms_platform.messaging.inbox import InboxConsumer
from hms_platform.testing.clock import FakeClock
from hms_platform.testing.fixtures import service_fixtures
from hms_platform.testing.modules import load_beside

NOW = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)  # Monday, 08:00 in Nairobi
FAKES = load_beside(__file__, "fakes.py", "hms_notifications_it_fakes")

migrated_url, db, settings, clock = service_fixtures(
    MIGRATIONS, "notifications", NotificationsSettings, NOW, pool_size=12,
    console_channel=True)


@pytest.fixture
def world(db: AsyncEngine, clock: FakeClock, settings: NotificationsSettings) -> SimpleNamespace:
    """A bus over the real database with fake channels (``world.channels``), the consumer of
    that bus, and seeding and inspection helpers."""
    channels = {name: FAKES.FakeChannel(name) for name in ("sms", "push", "email")}

    def make_bus(chans: Any = None, engine: AsyncEngine = db) -> Any:
        return bootstrap(sql_uow_factory(engine), clock=clock, rules=settings.rules(),
                         channels=channels if chans is None else chans,
                         enabled=frozenset(channels), policy=settings.retry_policy(),
                         rand=lambda: 0.0)

    bus = make_bus()
    consumer = InboxConsumer.for_bus(CONSUMER, bus)

    async def deliver(event: EventPayload, **kwargs: Any) -> Envelope:
        envelope = Envelope.of(event, **kwargs)
        await consumer(envelope)
        return envelope

    async def person(role: str = "patient", phone: str | None = "+254700000001",
                     email: str | None = "amina@example.org") -> uuid.UUID:
        user_id = uuid.uuid4()
        await deliver(UserRegistered(user_id=user_id, role=role, full_name=f"{role} A",
                                     phone_number=phone, email=email))
        return user_id

    async def rows(sql: str, **params: Any) -> list[Any]:
        async with db.connect() as conn:
            return list((await conn.execute(sa.text(sql), params)).all())

    async def messages(**where: Any) -> list[Any]:
        clause = " AND ".join(f"{k} = :{k}" for k in where) or "true"
        return await rows(f"SELECT * FROM notifications.messages WHERE {clause} "
                          "ORDER BY due_at, channel", **where)

    return SimpleNamespace(bus=bus, make_bus=make_bus, consumer=consumer, deliver=deliver,
                           person=person, rows=rows, messages=messages, channels=channels,
                           clock=clock, engine=db, settings=settings)
