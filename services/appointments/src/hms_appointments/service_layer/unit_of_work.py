"""The SQL unit of work: the platform's (one transaction, outbox on commit) plus our
repositories over its session."""

from __future__ import annotations

from hms_appointments.adapters.directory import SqlDirectoryRepository, SqlPenaltyRepository
from hms_appointments.adapters.repositories import SqlAppointmentRepository, SqlScheduleRepository
from hms_platform.db import SqlUnitOfWork


class SqlAppointmentsUnitOfWork(SqlUnitOfWork):
    def _open(self) -> None:
        self.appointments = SqlAppointmentRepository(self.session)
        self.schedules = SqlScheduleRepository(self.session)
        self.people = SqlDirectoryRepository(self.session)
        self.penalties = SqlPenaltyRepository(self.session)
