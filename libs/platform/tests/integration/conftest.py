"""A demo service ("demo" schema: items, effects, outbox, inbox) on the session's database."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from hms_contracts.envelope import Envelope, EventPayload
from hms_platform.db import SqlUnitOfWork
from hms_platform.messaging.bus import RetryPolicy
from hms_platform.messaging.inbox import InboxConsumer
from hms_platform.messaging.rabbit import RabbitBus
from hms_platform.migrations import upgrade
from hms_platform.outbox import OutboxTables
from hms_platform.testing.database import empty
from hms_platform.testing.plugin import track_bus

MIGRATIONS = Path(__file__).parent / "demo_migrations"
metadata = sa.MetaData()
TABLES = OutboxTables(metadata, "demo")
ITEMS = sa.Table("items", metadata, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("name", sa.String(100)), schema="demo")
EFFECTS = sa.Table("effects", metadata, sa.Column("id", sa.BigInteger, primary_key=True),
                   sa.Column("event_id", sa.Uuid), sa.Column("consumer", sa.String(50)),
                   schema="demo")


class ItemAdded(EventPayload):
    NAME = "demo.item_added.v1"
    PRODUCER = "demo"
    item_id: int
    name: str


def item_added(i: int) -> Envelope:
    return Envelope.of(ItemAdded(item_id=i, name=f"item-{i}"), correlation_id=f"c{i}")


def parse(envelope: Envelope) -> EventPayload:
    return ItemAdded.model_validate(envelope.payload)


@pytest.fixture
async def demo_engine(engine: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    await upgrade(engine, MIGRATIONS)
    await empty(engine, "demo")
    yield engine


@pytest.fixture
def uow_factory(demo_engine: AsyncEngine) -> Callable[[], SqlUnitOfWork]:
    return lambda: SqlUnitOfWork(demo_engine, TABLES)


async def record_effect(event: Any, envelope: Envelope, uow: SqlUnitOfWork, name: str) -> None:
    await uow.connection.execute(
        sa.insert(EFFECTS).values(event_id=envelope.event_id, consumer=name))


def effect_consumer(
    uow_factory: Callable[[], SqlUnitOfWork], name: str = "demo-consumer",
    extra: Callable[[Envelope], Awaitable[None]] | None = None,
) -> InboxConsumer:
    async def handle(event: Any, envelope: Envelope, uow: SqlUnitOfWork) -> None:
        if extra is not None:
            await extra(envelope)
        await record_effect(event, envelope, uow, name)

    return InboxConsumer(name, uow_factory, {ItemAdded.NAME: handle}, parser=parse)


@pytest.fixture
def queue_name() -> str:
    return f"demo{uuid.uuid4().hex[:6]}.events"


@pytest.fixture
async def make_bus(amqp_url: str, amqp_prefix: str) -> AsyncIterator[Callable[..., Any]]:
    buses: list[RabbitBus] = []
    prefix = f"{amqp_prefix}{uuid.uuid4().hex[:6]}."  # per test: its own exchange

    async def factory(url: str | None = None, **kwargs: Any) -> RabbitBus:
        kwargs.setdefault("retry", RetryPolicy(delays_ms=(50, 100), delivery_limit=5))
        kwargs.setdefault("publish_timeout", 3.0)
        bus = track_bus(RabbitBus(url or amqp_url, prefix=prefix, **kwargs))
        buses.append(bus)
        return await bus.connect()

    yield factory
    for bus in buses:
        await bus.close()


async def count(engine: AsyncEngine, query: str) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(sa.text(query))).scalar_one())


@pytest.fixture
def demo() -> SimpleNamespace:
    """The demo service's tables and helpers (tests can't import conftest in importlib mode)."""
    return SimpleNamespace(
        MIGRATIONS=MIGRATIONS, TABLES=TABLES, ITEMS=ITEMS, EFFECTS=EFFECTS, ItemAdded=ItemAdded,
        item_added=item_added, count=count, effect_consumer=effect_consumer,
    )
