"""The SQL unit of work: the platform's (one transaction) with the feed."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from hms_platform.db import SqlUnitOfWork
from hms_sync.adapters.feed import SqlFeed
from hms_sync.adapters.orm import TABLES


class SqlSyncUnitOfWork(SqlUnitOfWork):
    def _open(self) -> None:
        self.feed = SqlFeed(self.connection)


def sql_uow_factory(engine: AsyncEngine) -> Callable[[], SqlSyncUnitOfWork]:
    return lambda: SqlSyncUnitOfWork(engine, TABLES)
