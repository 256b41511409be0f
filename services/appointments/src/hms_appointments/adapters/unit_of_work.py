"""The SQL unit of work: the platform's (one transaction, outbox on commit) with appointments'
repositories over its session."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from hms_appointments.adapters.appointments import SqlAppointmentRepository
from hms_appointments.adapters.directory import SqlDirectoryRepository
from hms_appointments.adapters.orm import TABLES
from hms_appointments.adapters.penalties import SqlPenaltyRepository
from hms_appointments.adapters.schedules import SqlScheduleRepository
from hms_platform.db import SqlUnitOfWork, make_session_factory


class SqlAppointmentsUnitOfWork(SqlUnitOfWork):
    def _open(self) -> None:
        self.appointments = SqlAppointmentRepository(self.session)
        self.schedules = SqlScheduleRepository(self.session)
        self.people = SqlDirectoryRepository(self.session)
        self.penalties = SqlPenaltyRepository(self.session)


def sql_uow_factory(engine: AsyncEngine) -> Callable[[], SqlAppointmentsUnitOfWork]:
    sessions = make_session_factory(engine)
    return lambda: SqlAppointmentsUnitOfWork(sessions, TABLES)
