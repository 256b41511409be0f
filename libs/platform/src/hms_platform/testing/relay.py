"""One pass of a service's outbox relay, into an in-memory bus a test listens on."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from hms_contracts.envelope import Envelope
from hms_platform.messaging.memory import InMemoryBus
from hms_platform.outbox import OutboxRelay, OutboxTables


async def relayed(engine: AsyncEngine, tables: OutboxTables, keys: list[str]) -> list[str]:
    """The names of the events one pass of the relay published to a subscriber of ``keys``,
    in order; the pass published every row of the outbox, each once."""
    memory = InMemoryBus()
    received: list[Envelope] = []

    async def collect(envelope: Envelope) -> None:
        received.append(envelope)

    await memory.subscribe("spy", keys, collect)
    published = await OutboxRelay(engine, tables, memory, listen=False).run_once()
    await memory.drain()
    assert published == len(received), (published, received)
    async with engine.connect() as conn:
        left = (await conn.execute(sa.select(sa.func.count()).select_from(tables.outbox)
                                   .where(tables.outbox.c.published_at.is_(None)))).scalar_one()
    assert left == 0, f"{left} rows left unpublished"
    return [envelope.name for envelope in received]
