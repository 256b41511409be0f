"""The unit of work every service's handlers depend on, as ports (Protocols): a service's
``service_layer/ports.py`` derives its own ``UnitOfWork`` from one of these and adds its
repositories as read-only members (so an implementation may hold more specific ones).

The SQL implementations are ``hms_platform.db.SqlUnitOfWork`` and
``hms_platform.unit_of_work.RecordingUnitOfWork``; the unit tests' fakes are
``hms_platform.testing.fakes.FakeUnitOfWork``. Plain Python: no framework imported here."""

from __future__ import annotations

from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from hms_platform.recording import EventRecorder


class UnitOfWork(Protocol):
    """One transaction: ``async with uow:`` opens it, ``commit()`` keeps what it wrote."""

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...


class PublishingUnitOfWork(UnitOfWork, Protocol):
    """A unit of work whose commit writes its events to the outbox in the same transaction
    (hms_platform.recording)."""

    @property
    def recorder(self) -> EventRecorder:
        """Takes the events of the aggregates the repositories write, for the outbox."""
        ...

    def emit(self, event: object, *, occurred_at: datetime | None = None) -> None:
        """An event that belongs to no aggregate, written with the others on commit."""
        ...

    async def rollback(self) -> None: ...
