"""What every service's in-memory fakes of its ports share: a table of copies by id, and a unit
of work that records events, publishes them on commit and otherwise puts its tables back."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol, Self, TypeVar

from hms_platform.recording import Contracts, EventRecorder


class _Row(Protocol):
    @property
    def id(self) -> uuid.UUID: ...


RowT = TypeVar("RowT", bound=_Row)


class FakeTable(dict[uuid.UUID, RowT]):
    """Rows by id, kept and handed out as copies, as a database would."""

    async def get(  # type: ignore[override]
        self, row_id: uuid.UUID, *, for_update: bool = False
    ) -> RowT | None:
        row = super().get(row_id)
        return copy.copy(row) if row else None

    async def save(self, row: RowT) -> None:
        self[row.id] = copy.copy(row)


class FakeUnitOfWork:
    """A service's fake unit of work names the dicts its repositories keep in ``tables()`` and
    the repositories that report what they write in ``recording()``. Events (reported or
    emitted) go to ``store.published`` on commit; leaving the block otherwise puts the tables
    back as they were when it opened or at the last commit. Re-entrant, like the SQL one (the
    inbox opens it first)."""

    def __init__(self, store: Any, contracts: Contracts) -> None:
        self.store = store
        self.recorder = EventRecorder(contracts)
        self.committed = False
        self._depth = 0
        self._saved: list[dict[Any, Any]] = []

    def tables(self) -> Sequence[dict[Any, Any]]:
        return ()

    def recording(self) -> Sequence[Any]:
        return ()

    async def __aenter__(self) -> Self:
        if self._depth == 0:
            self.committed = False
            for repository in self.recording():
                repository.seen = self.recorder.seen
            self._keep()
        self._depth += 1
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._depth -= 1
        if self._depth == 0:
            await self.rollback()

    def _keep(self) -> None:
        self._saved = [dict(table) for table in self.tables()]

    def emit(self, event: object, *, occurred_at: datetime | None = None) -> None:
        self.recorder.emit(event, occurred_at=occurred_at)

    async def commit(self) -> None:
        self.store.published.extend(self.recorder.collect())
        self.committed = True
        self._keep()

    async def rollback(self) -> None:
        self.recorder.discard()
        for table, saved in zip(self.tables(), self._saved, strict=True):
            table.clear()
            table.update(saved)
