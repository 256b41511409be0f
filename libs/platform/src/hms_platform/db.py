"""Async engine and the unit-of-work base every service's UoW extends."""

from __future__ import annotations

import weakref
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from types import TracebackType
from typing import Self

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncTransaction,
    create_async_engine,
)

from hms_contracts.envelope import Envelope
from hms_platform.db_probe import ping as ping  # the readiness check, where it always was
from hms_platform.db_probe import track_returns
from hms_platform.outbox.tables import OutboxTables


def make_engine(url: str, *, pool_size: int = 10, echo: bool = False) -> AsyncEngine:
    """An asyncpg engine: a fixed pool, no pre-ping, no overflow, parameters kept out of logs
    (why: docs/decisions/0001-database-pool.md)."""
    return track_returns(create_async_engine(
        url, pool_size=pool_size, max_overflow=0, pool_timeout=10, pool_pre_ping=False,
        echo=echo, hide_parameters=True,
    ))


class ReadOnlyViolation(RuntimeError):
    """A handler declared read-only tried to write: a bug, refused before the database."""


_AUTOCOMMIT: weakref.WeakKeyDictionary[AsyncEngine, AsyncEngine] = weakref.WeakKeyDictionary()


def _selects_only(conn: sa.Connection, clauseelement: object, *_: object) -> None:
    if isinstance(clauseelement, sa.TextClause):  # plain SQL: only a bare SELECT passes
        if clauseelement.text.lstrip().upper().startswith("SELECT"):
            return
    elif getattr(clauseelement, "is_select", False):
        return
    raise ReadOnlyViolation(f"read-only unit of work: {type(clauseelement).__name__}")


def _autocommit(engine: AsyncEngine) -> AsyncEngine:
    """``engine`` (the same pool) with statements outside any transaction and only SELECTs
    allowed, made once. Its guard is its own: listeners on an engine made by
    ``execution_options`` do not reach the engine it came from."""
    found = _AUTOCOMMIT.get(engine)
    if found is None:
        found = _AUTOCOMMIT[engine] = engine.execution_options(isolation_level="AUTOCOMMIT")
        sa.event.listen(found.sync_engine, "before_execute", _selects_only)
    return found


class SharedTransaction:
    """One transaction that every unit of work of ``engine`` opened in this context joins (as
    a savepoint each), committed or rolled back by its owner, not by them: a request's effect
    and its idempotency record commit together (hms_platform.web.idempotency). The
    connection is taken when the first unit of work needs it, and ``on_begin`` runs on it
    then (it may raise to refuse the request before anything is written)."""

    def __init__(self, engine: AsyncEngine,
                 on_begin: Callable[[AsyncConnection], Awaitable[None]]) -> None:
        self.engine = engine
        self.connection: AsyncConnection | None = None
        self._on_begin = on_begin

    async def join(self) -> AsyncConnection:
        if self.connection is None:
            connection = await self.engine.connect().start()
            try:
                await connection.begin()
                await self._on_begin(connection)
            except BaseException:
                await connection.close()
                raise
            self.connection = connection
        return self.connection

    async def close(self) -> None:
        """Roll back whatever was not committed and give the connection back."""
        if self.connection is not None:
            connection, self.connection = self.connection, None
            await connection.close()


_SHARED: ContextVar[SharedTransaction | None] = ContextVar("hms_shared_transaction",
                                                           default=None)


def share_transaction(shared: SharedTransaction | None) -> object:
    """Units of work of ``shared.engine`` opened in this context from now on join it; the
    token undoes it (``unshare_transaction``)."""
    return _SHARED.set(shared)


def unshare_transaction(token: object) -> None:
    _SHARED.reset(token)  # type: ignore[arg-type]


def shared_transaction() -> SharedTransaction | None:
    """The shared transaction of this context, if a keyed write opened one."""
    return _SHARED.get()


class SqlUnitOfWork:
    """One transaction: ``async with uow: ...; await uow.commit()``. Anything not committed is
    rolled back on exit, including when the block raises.

    Statements run on ``self.connection``, a SQLAlchemy Core connection taken from the pool on
    entry and given back on exit. There is no ORM session (docs/decisions/0001-database-pool.md).

    Events added with :meth:`add_event` are written to the service's outbox table inside the
    same transaction, just before it commits, so state and events commit together or not at all.
    Subclasses create their repositories in :meth:`_open` from ``self.connection``.

    Re-entrant: a handler that opens ``async with uow:`` on a unit of work its caller already
    opened (the inbox consumer does, to claim the event) joins that transaction instead of
    silently starting a second one; only the outermost block rolls back and closes.

    ``read_only`` (the message bus sets it for a ``hms_platform.messagebus.Query``): no transaction
    at all, so no BEGIN and no ROLLBACK round trips; each statement sees the latest committed
    data. Anything but a SELECT raises ``ReadOnlyViolation`` before it reaches the database,
    and so do ``add_event`` and ``commit``.
    """

    read_only = False

    def __init__(self, engine: AsyncEngine, outbox: OutboxTables) -> None:
        self._engine = engine
        self._outbox = outbox
        self._pending: list[Envelope] = []
        self.committed = False
        self._depth = 0
        self.connection: AsyncConnection
        self._savepoint: AsyncTransaction | None = None
        self._joined = False

    async def __aenter__(self) -> Self:
        if self._depth == 0:
            shared = _SHARED.get()
            self._joined = shared is not None and shared.engine is self._engine
            if shared is not None and self._joined:  # a request's shared transaction
                self.connection = await shared.join()
                self._savepoint = (None if self.read_only
                                   else await self.connection.begin_nested())
            else:
                engine = _autocommit(self._engine) if self.read_only else self._engine
                self.connection = await engine.connect().start()
            self._pending = []
            self.committed = False
            self._open()
        self._depth += 1
        return self

    def _open(self) -> None:
        """Hook for subclasses: build repositories over ``self.connection``."""

    def writable(self) -> Self:
        """The same unit of work with transactions again, for a query that must record an
        event after its read-only block (an audited read). Only between blocks."""
        if self._depth:
            raise RuntimeError("writable() inside an open unit of work")
        self.read_only = False
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._depth -= 1
        if self._depth:  # an inner block: the outer one owns the transaction
            return
        try:
            await self.rollback()
        finally:
            if not self._joined:  # a shared connection is its owner's to close
                await self.connection.close()

    def add_event(self, envelope: Envelope) -> None:
        """Queue an integration event; it is written to the outbox on :meth:`commit`."""
        if self.read_only:
            raise ReadOnlyViolation("a read-only unit of work records no events")
        self._pending.append(envelope)

    async def claim_inbox(self, consumer: str, envelope: Envelope) -> bool:
        """Record that ``consumer`` handles ``envelope`` in this transaction; False if it has."""
        return await self._outbox.claim_inbox(
            self.connection, consumer, envelope.event_id, envelope.name)

    async def commit(self) -> None:
        if self.read_only:
            raise ReadOnlyViolation("a read-only unit of work commits nothing")
        pending, self._pending = self._pending, []
        if pending:
            await self._outbox.insert(self.connection, pending)
        if self._joined:  # into the shared transaction; a new savepoint for what follows
            assert self._savepoint is not None
            await self._savepoint.commit()
            self._savepoint = await self.connection.begin_nested()
        else:
            await self.connection.commit()
        self.committed = True

    async def rollback(self) -> None:
        self._pending = []
        if not self._joined:
            await self.connection.rollback()
        elif self._savepoint is not None and self._savepoint.is_active:
            await self._savepoint.rollback()
