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


class SqlQueueUnitOfWork(RecordingUnitOfWork):
    contracts = CONTRACTS

    def _open(self) -> None:
        self.tickets = SqlTicketRepository(self.connection, self.recorder.seen)
        self.people = SqlDirectoryRepository(self.connection)
        self.displays = SqlDisplayRepository(self.connection)
        self._changed: set[uuid.UUID] = set()

    def line_changed(self, doctor_id: uuid.UUID) -> None:
        self._changed.add(doctor_id)

    async def commit(self) -> None:
        changed, self._changed = self._changed, set()
        for doctor_id in sorted(changed):
            await self.connection.execute(sa.select(sa.func.pg_notify(LINES_CHANNEL,
                                                                      str(doctor_id))))
        await super().commit()


def sql_uow_factory(engine: AsyncEngine) -> Callable[[], SqlQueueUnitOfWork]:
    return lambda: SqlQueueUnitOfWork(engine, TABLES)
