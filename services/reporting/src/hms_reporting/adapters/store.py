"""The event store: every event once, by id; read back in time order for a replay."""

from __future__ import annotations

from collections.abc import AsyncIterator

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from hms_contracts.envelope import Envelope
from hms_reporting.adapters.orm import events


class SqlEventStore:
    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def add(self, envelope: Envelope) -> bool:
        """Keep the event; False if it was already kept (then it changes nothing)."""
        statement = insert(events).values(
            event_id=envelope.event_id, name=envelope.name, occurred_at=envelope.occurred_at,
            producer=envelope.producer, correlation_id=envelope.correlation_id,
            causation_id=envelope.causation_id, payload=envelope.payload,
        ).on_conflict_do_nothing(index_elements=[events.c.event_id]).returning(events.c.event_id)
        return (await self.connection.execute(statement)).first() is not None


async def stream_events(engine: AsyncEngine, batch: int) -> AsyncIterator[list[Envelope]]:
    """Every stored event in (occurred_at, event_id) order, ``batch`` at a time (keyset pages,
    so the read holds no long transaction)."""
    after: tuple[object, object] | None = None
    columns = [events.c[n] for n in ("event_id", "name", "occurred_at", "producer",
                                     "correlation_id", "causation_id", "payload")]
    while True:
        query = sa.select(*columns).order_by(events.c.occurred_at, events.c.event_id).limit(batch)
        if after is not None:
            query = query.where(sa.tuple_(events.c.occurred_at, events.c.event_id) > after)
        async with engine.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        if not rows:
            return
        yield [Envelope.model_validate(dict(r)) for r in rows]
        after = (rows[-1]["occurred_at"], rows[-1]["event_id"])
