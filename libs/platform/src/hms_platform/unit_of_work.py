"""The SQL unit of work that records its aggregates' events (hms_platform.recording): the base
of every service's unit of work that publishes."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from sqlalchemy.ext.asyncio import AsyncEngine

from hms_platform.db import ReadOnlyViolation, SqlUnitOfWork
from hms_platform.outbox.tables import OutboxTables
from hms_platform.recording import Contracts, EventRecorder


class RecordingUnitOfWork(SqlUnitOfWork):
    """:class:`SqlUnitOfWork` whose commit writes what its recorder took: the events of the
    aggregates its repositories wrote (give them ``self.recorder.seen``) and those emitted,
    in one insert, in the same transaction. A rollback writes none of them."""

    # The service's domain event -> integration event mapping (adapters/contracts.py).
    contracts: ClassVar[Contracts] = {}

    def __init__(self, engine: AsyncEngine, outbox: OutboxTables) -> None:
        super().__init__(engine, outbox)
        self.recorder = EventRecorder(self.contracts)

    def emit(self, event: object, *, occurred_at: datetime | None = None) -> None:
        """An event that belongs to no aggregate (EventRecorder.emit)."""
        if self.read_only:
            raise ReadOnlyViolation("a read-only unit of work records no events")
        self.recorder.emit(event, occurred_at=occurred_at)

    async def commit(self) -> None:
        if not self.read_only:  # the base refuses the commit itself
            for envelope in self.recorder.collect():
                self.add_event(envelope)
        await super().commit()

    async def rollback(self) -> None:
        self.recorder.discard()
        await super().rollback()
