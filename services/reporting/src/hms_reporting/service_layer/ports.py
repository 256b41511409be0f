"""What the service layer needs from the outside (the SQL adapters, or fakes in tests)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, NamedTuple, Protocol

from hms_contracts.auth import SigningKeyRotated
from hms_contracts.envelope import Envelope
from hms_platform.ports import UnitOfWork as BaseUnitOfWork
from hms_reporting.domain.audit import AuditEntry
from hms_reporting.domain.queries import AuditQuery
from hms_reporting.domain.rows import Row


class Kept(NamedTuple):
    """A new event kept: ``row`` is its read model's stored row, locked, when the fact must
    be merged into it; None when the fact's new row was inserted with it, or it has none."""

    row: Row | None


class EventStore(Protocol):
    async def add(self, envelope: Envelope, row: Row | None = None,
                  entry: AuditEntry | None = None) -> Kept | None:
        """Keep the event; if it is new, with it (one round trip): ``entry`` in the audit log,
        the actor's stored role filled in when it has none, and ``row`` (its fact merged into
        a new row) unless the row is stored. None if the event was kept before: then nothing
        changes."""


class ReadModels(Protocol):
    async def load(self, cls: type[Row], key: Any) -> Row: ...
    async def save(self, row: Row) -> None: ...
    async def load_many(self, cls: type[Row], keys: list[Any]) -> dict[Any, Row]: ...
    async def save_many(self, rows: list[Row]) -> None: ...
    async def roles(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]: ...
    async def empty(self) -> None: ...


class AuditLog(Protocol):
    async def add(self, entry: AuditEntry) -> None: ...
    async def add_many(self, entries: list[AuditEntry]) -> None: ...
    async def search(self, q: AuditQuery, start: datetime,
                     end: datetime) -> tuple[list[dict[str, Any]], tuple[datetime, int] | None]:
        ...


class Page(NamedTuple):
    rows: list[dict[str, Any]]  # one page of the report
    total: int  # how many rows the whole report has (0 past its end)
    columns: list[str]  # the rows' fields, in order: a CSV's header even without rows


Window = tuple[int, int]  # limit, offset


class Reports(Protocol):
    async def appointments(self, start: date, end: date, group_by: str,
                           page: Window) -> Page: ...
    async def no_shows(self, start: date, end: date, group_by: str, page: Window) -> Page: ...
    async def penalties(self, start: date, end: date, group_by: str, page: Window) -> Page: ...
    async def queue(self, start: date, end: date, doctor_id: uuid.UUID | None,
                    page: Window) -> Page: ...
    async def notifications(self, start: date, end: date, page: Window) -> Page: ...


class Revocations(Protocol):
    async def record(self, user_id: uuid.UUID, not_before: datetime) -> None: ...

    async def record_key_rotation(self, event: SigningKeyRotated) -> None:
        """The kids auth's rotation announced, for the API's verifier (retired ones refused)."""


class UnitOfWork(BaseUnitOfWork, Protocol):
    @property
    def events(self) -> EventStore: ...

    @property
    def views(self) -> ReadModels: ...

    @property
    def audit(self) -> AuditLog: ...

    @property
    def reports(self) -> Reports: ...

    @property
    def revocations(self) -> Revocations: ...
