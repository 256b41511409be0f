"""The SQL unit of work: the platform's (one transaction, emitted events to the outbox on
commit) with this service's repositories over its connection."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from hms_notifications.adapters.contracts import CONTRACTS
from hms_notifications.adapters.marks import SqlAppointmentMarkRepository
from hms_notifications.adapters.messages import SqlMessageRepository
from hms_notifications.adapters.orm import TABLES
from hms_notifications.adapters.people import SqlContactRepository, SqlPreferenceRepository
from hms_notifications.adapters.planning import SqlPlanningRepository
from hms_platform.unit_of_work import RecordingUnitOfWork


class SqlNotificationsUnitOfWork(RecordingUnitOfWork):
    contracts = CONTRACTS

    def _open(self) -> None:
        self.contacts = SqlContactRepository(self.connection)
        self.preferences = SqlPreferenceRepository(self.connection)
        self.planning = SqlPlanningRepository(self.connection)
        self.messages = SqlMessageRepository(self.connection)
        self.appointments = SqlAppointmentMarkRepository(self.connection)


def sql_uow_factory(engine: AsyncEngine) -> Callable[[], SqlNotificationsUnitOfWork]:
    return lambda: SqlNotificationsUnitOfWork(engine, TABLES)
