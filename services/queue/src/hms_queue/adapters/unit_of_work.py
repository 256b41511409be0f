"""The SQL unit of work: the platform's (one transaction, the events of what its repositories
wrote to the outbox on commit) with the queue's
repositories, and a NOTIFY per changed line (delivered only if the commit succeeds) so that
every API process's streams hear of it."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from hms_platform.unit_of_work import RecordingUnitOfWork
from hms_queue.adapters.contracts import CONTRACTS
from hms_queue.adapters.directory import SqlDirectoryRepository
from hms_queue.adapters.displays import SqlDisplayRepository
from hms_queue.adapters.orm import LINES_CHANNEL, TABLES
from hms_queue.adapters.tickets import SqlTicketRepository

_NOTIFY = sa.text("SELECT pg_notify(:channel, line) FROM unnest(CAST(:ids AS text[])) AS line")


class SqlQueueUnitOfWork(RecordingUnitOfWork):
    contracts = CONTRACTS

    def _open(self) -> None:
        self._notified: set[uuid.UUID] = set()  # by a statement of the tickets' already
        self.tickets = SqlTicketRepository(self.connection, self.recorder.seen, self._notified)
        self.people = SqlDirectoryRepository(self.connection)
        self.displays = SqlDisplayRepository(self.connection)
        self._changed: set[uuid.UUID] = set()

    def line_changed(self, doctor_id: uuid.UUID) -> None:
        self._changed.add(doctor_id)

    async def commit(self) -> None:
        changed = sorted(self._changed - self._notified)
        self._changed.clear()
        self._notified.clear()
        if changed:  # one statement for every line (Postgres delivers them at the commit)
            await self.connection.execute(_NOTIFY, {
                "channel": LINES_CHANNEL, "ids": [str(doctor_id) for doctor_id in changed]})
        await super().commit()

    async def rollback(self) -> None:
        self._changed.clear()
        self._notified.clear()
        await super().rollback()


def sql_uow_factory(engine: AsyncEngine) -> Callable[[], SqlQueueUnitOfWork]:
    return lambda: SqlQueueUnitOfWork(engine, TABLES)
