"""A query's unit of work runs without a transaction, and cannot write."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa

from hms_platform.db import ReadOnlyViolation
from hms_platform.messagebus import Command, MessageBus, Query

ITEMS = sa.table("items", sa.column("id"), sa.column("name"), schema="demo")


async def test_no_transaction_and_no_writes(uow_factory, demo_engine) -> None:
    uow = uow_factory()
    uow.read_only = True
    async with uow:
        first = await uow.connection.scalar(sa.text("SELECT now()"))
        await asyncio.sleep(0.01)
        second = await uow.connection.scalar(sa.text("SELECT now()"))
        assert first != second  # each statement on its own: no BEGIN ... ROLLBACK around them
        with pytest.raises(ReadOnlyViolation):
            await uow.connection.execute(sa.insert(ITEMS).values(id=1, name="sneaked in"))
        with pytest.raises(ReadOnlyViolation):
            await uow.commit()
    async with demo_engine.connect() as conn:
        assert await conn.scalar(sa.text("SELECT count(*) FROM demo.items")) == 0
    writer = uow_factory()  # the default is one transaction, as before
    async with writer:
        first = await writer.connection.scalar(sa.text("SELECT now()"))
        await asyncio.sleep(0.01)
        assert await writer.connection.scalar(sa.text("SELECT now()")) == first


@dataclass(frozen=True)
class CountItems(Query[int]):
    pass


@dataclass(frozen=True)
class AddItem(Command[None]):
    name: str


async def count_items(cmd: CountItems, uow: Any) -> int:
    assert uow.read_only  # a Query: the bus gave it no transaction
    async with uow:
        return int(await uow.connection.scalar(sa.text("SELECT count(*) FROM demo.items")))


async def add_item(cmd: AddItem, uow: Any) -> None:
    assert not uow.read_only  # a Command: one transaction
    async with uow:
        await uow.connection.execute(sa.insert(ITEMS).values(id=7, name=cmd.name))
        await uow.commit()


async def test_the_bus_gives_queries_a_read_only_unit_of_work(uow_factory) -> None:
    bus = MessageBus({CountItems: count_items, AddItem: add_item}, uow_factory, {})
    await bus.handle(AddItem("seven"))
    assert await bus.handle(CountItems()) == 1


async def test_a_query_may_write_after_its_read_only_block_never_inside(uow_factory,
                                                                       demo_engine) -> None:
    uow = uow_factory()
    uow.read_only = True
    async with uow:
        with pytest.raises(RuntimeError):
            uow.writable()  # mid-block: the open connection is the autocommit one
        assert await uow.connection.scalar(sa.text("SELECT count(*) FROM demo.items")) == 0
    async with uow.writable():
        await uow.connection.execute(sa.insert(ITEMS).values(id=3, name="after the read"))
        await uow.commit()
    async with demo_engine.connect() as conn:
        assert await conn.scalar(sa.text("SELECT name FROM demo.items")) == "after the read"
