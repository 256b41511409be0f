"""The SQL unit of work: the platform's (one transaction) with reporting's repositories."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from hms_contracts.auth import SigningKeyRotated
from hms_platform.db import SqlUnitOfWork
from hms_platform.revocation import record_key_rotation, record_revocation
from hms_reporting.adapters.audit import SqlAuditLog
from hms_reporting.adapters.orm import REVOCATIONS, SIGNING_KEYS, TABLES
from hms_reporting.adapters.read_models import SqlReadModels
from hms_reporting.adapters.reports import SqlReports
from hms_reporting.adapters.store import SqlEventStore


class SqlRevocations:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def record(self, user_id: uuid.UUID, not_before: datetime) -> None:
        await record_revocation(self._uow.connection, REVOCATIONS, user_id, not_before)

    async def record_key_rotation(self, event: SigningKeyRotated) -> None:
        await record_key_rotation(self._uow.connection, SIGNING_KEYS, event)


class SqlReportingUnitOfWork(SqlUnitOfWork):
    def _open(self) -> None:
        self.events = SqlEventStore(self.connection)
        self.views = SqlReadModels(self.connection)
        self.audit = SqlAuditLog(self.connection)
        self.reports = SqlReports(self.connection)
        self.revocations = SqlRevocations(self)


def sql_uow_factory(engine: AsyncEngine) -> Callable[[], SqlReportingUnitOfWork]:
    return lambda: SqlReportingUnitOfWork(engine, TABLES)
