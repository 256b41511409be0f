"""The SQL unit of work: the platform's (one transaction, the events of what its repositories
wrote to the outbox on commit) with appointments' repositories over its connection."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from hms_appointments.adapters.appointments import SqlAppointmentRepository
from hms_appointments.adapters.booking import SqlBookingRepository
from hms_appointments.adapters.contracts import CONTRACTS
from hms_appointments.adapters.directory import SqlDirectoryRepository
from hms_appointments.adapters.orm import TABLES
from hms_appointments.adapters.penalties import SqlPenaltyRepository
from hms_appointments.adapters.schedules import SqlScheduleRepository
from hms_platform.unit_of_work import RecordingUnitOfWork


class SqlAppointmentsUnitOfWork(RecordingUnitOfWork):
    contracts = CONTRACTS

    def _open(self) -> None:
        seen = self.recorder.seen
        self.appointments = SqlAppointmentRepository(self.connection, seen)
        self.booking = SqlBookingRepository(self.connection)
        self.schedules = SqlScheduleRepository(self.connection, seen)
        self.people = SqlDirectoryRepository(self.connection)
        self.penalties = SqlPenaltyRepository(self.connection, seen)


def sql_uow_factory(engine: AsyncEngine) -> Callable[[], SqlAppointmentsUnitOfWork]:
    return lambda: SqlAppointmentsUnitOfWork(engine, TABLES)
