"""The SQL unit of work: the platform's (one transaction, outbox on commit) with appointments'
repositories over its connection."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from hms_appointments.adapters.appointments import SqlAppointmentRepository
from hms_appointments.adapters.directory import SqlDirectoryRepository
from hms_appointments.adapters.orm import TABLES
from hms_appointments.adapters.penalties import SqlPenaltyRepository
from hms_appointments.adapters.schedules import SqlScheduleRepository
from hms_platform.db import SqlUnitOfWork


class SqlAppointmentsUnitOfWork(SqlUnitOfWork):
    def _open(self) -> None:
        self.appointments = SqlAppointmentRepository(self.connection)
        self.schedules = SqlScheduleRepository(self.connection)
        self.people = SqlDirectoryRepository(self.connection)
        self.penalties = SqlPenaltyRepository(self.connection)


def sql_uow_factory(engine: AsyncEngine) -> Callable[[], SqlAppointmentsUnitOfWork]:
    return lambda: SqlAppointmentsUnitOfWork(engine, TABLES)
