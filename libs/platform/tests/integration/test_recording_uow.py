"""The recording unit of work writes its aggregates' events to the outbox with their state,
in one transaction, in the order raised; a rollback writes neither, and nothing twice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from hms_contracts.envelope import EventPayload
from hms_platform.db import ReadOnlyViolation
from hms_platform.outbox import OutboxTables
from hms_platform.recording import Seen
from hms_platform.testing.clock import FakeClock
from hms_platform.unit_of_work import RecordingUnitOfWork

TABLES = OutboxTables(sa.MetaData(), "demo")  # the demo service's (conftest.py)
SAVE = sa.text("INSERT INTO demo.items (id, name) VALUES (:id, :name) "
               "ON CONFLICT (id) DO UPDATE SET name = excluded.name")

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


@dataclass(frozen=True)
class Named:
    item_id: int
    name: str


class ItemNamed(EventPayload):
    NAME = "demo.item_named.v1"
    PRODUCER = "demo"
    item_id: int
    name: str


@dataclass
class Item:
    id: int
    name: str
    events: list[Any] = field(default_factory=list)

    def rename(self, name: str) -> None:
        self.name = name
        self.events.append(Named(self.id, name))


class Items:
    def __init__(self, uow: DemoUnitOfWork, seen: Seen) -> None:
        self.uow, self.seen = uow, seen

    async def save(self, item: Item) -> None:
        await self.uow.connection.execute(SAVE, {"id": item.id, "name": item.name})
        self.seen(item)


class DemoUnitOfWork(RecordingUnitOfWork):
    contracts = {Named: ItemNamed}

    def _open(self) -> None:
        self.items = Items(self, self.recorder.seen)


@pytest.fixture
def recording(demo_engine: AsyncEngine) -> Callable[[], DemoUnitOfWork]:
    def make() -> DemoUnitOfWork:
        uow = DemoUnitOfWork(demo_engine, TABLES)
        uow.recorder.clock = FakeClock(T0)
        return uow
    return make


async def outbox(engine: AsyncEngine) -> list[tuple[str, int, str]]:
    async with engine.connect() as conn:
        rows = await conn.execute(sa.text("SELECT name, body FROM demo.outbox ORDER BY id"))
        return [(r.name, r.body["payload"]["item_id"], r.body["payload"]["name"])
                for r in rows]


async def test_events_of_two_aggregates_commit_with_them_in_raise_order(
        recording, demo_engine) -> None:
    a, b = Item(1, "a"), Item(2, "b")
    async with recording() as uow:
        a.rename("a1")
        await uow.items.save(a)
        b.rename("b1")
        await uow.items.save(b)
        await uow.items.save(Item(3, "quiet"))  # seen, no events: adds none
        uow.emit(Named(9, "read"))  # belongs to no aggregate
        await uow.commit()
    assert await outbox(demo_engine) == [("demo.item_named.v1", 1, "a1"),
                                         ("demo.item_named.v1", 2, "b1"),
                                         ("demo.item_named.v1", 9, "read")]
    async with demo_engine.connect() as conn:
        body = (await conn.execute(sa.text("SELECT body FROM demo.outbox LIMIT 1"))).scalar()
    assert body["occurred_at"].startswith("2026-03-02T09:00:00")


async def test_a_rollback_writes_no_event_and_leaks_none_into_the_next_commit(
        recording, demo_engine) -> None:
    uow = recording()
    item = Item(1, "a")
    with pytest.raises(RuntimeError):
        async with uow:
            item.rename("a1")
            await uow.items.save(item)
            uow.emit(Named(9, "read"))
            raise RuntimeError("the handler fails")
    async with uow:
        await uow.items.save(item)  # written again, unchanged: no stale event
        await uow.commit()
    assert await outbox(demo_engine) == []


async def test_committing_twice_writes_each_event_once(recording, demo_engine) -> None:
    item = Item(1, "a")
    async with recording() as uow:
        item.rename("a1")
        await uow.items.save(item)
        await uow.commit()
        await uow.commit()
        item.rename("a2")
        await uow.items.save(item)
        await uow.commit()
    assert await outbox(demo_engine) == [("demo.item_named.v1", 1, "a1"),
                                         ("demo.item_named.v1", 1, "a2")]


async def test_a_read_only_unit_of_work_emits_nothing(recording) -> None:
    uow = recording()
    uow.read_only = True
    async with uow:
        with pytest.raises(ReadOnlyViolation):
            uow.emit(Named(9, "read"))
