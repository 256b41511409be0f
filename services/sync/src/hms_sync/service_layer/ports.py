"""What the service layer needs from the outside (HTTP and SQL adapters, or fakes in tests)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any, NamedTuple, Protocol

from hms_platform.ports import UnitOfWork as BaseUnitOfWork
from hms_sync.domain.changes import Row
from hms_sync.domain.operations import OwnerRequest
from hms_sync.domain.outcomes import OwnerAnswer


class OwnerApi(Protocol):
    async def send(self, request: OwnerRequest, *, authorization: str,
                   idempotency_key: str | None) -> OwnerAnswer:
        """The owner's answer; no answer at all (refused connection, timeout) is a 503."""
        ...


class Audience(NamedTuple):
    """Whose rows a pull returns: the caller's as patient, as doctor, or a clinic day's."""

    patient_id: uuid.UUID | None = None
    doctor_id: uuid.UUID | None = None
    clinic_day: date | None = None


class Page(NamedTuple):
    rows: list[dict[str, Any]]  # entity, id, version, deleted, fields, seq
    snapshot_xmin: int  # the xmin of the snapshot the page was read under
    has_more: bool


class Added(NamedTuple):
    added: bool  # the row was inserted: its record had none
    # else the record's row, locked until the transaction ends; None: it was committed while
    # the insert ran, too late for the statement to read it (``load`` it)
    stored: Row | None


class Feed(Protocol):
    async def add(self, row: Row, purge: timedelta) -> Added:
        """Insert ``row`` unless its record has one, and purge the rows (but this record's)
        that no write renewed for ``purge``: one round trip."""
        ...

    async def load(self, entity: str, id: str) -> Row | None:
        """The row, locked until the transaction ends (None: no row yet)."""
        ...

    async def save(self, row: Row, *, new: bool) -> bool:
        """Write the row (``new``: insert it); False if a row was inserted meanwhile."""
        ...

    async def purge(self, older_than: timedelta) -> int: ...


class FeedReader(Protocol):
    async def page(self, audience: Audience, since: int, after: int, limit: int) -> Page: ...


class UnitOfWork(BaseUnitOfWork, Protocol):
    @property
    def feed(self) -> Feed: ...
