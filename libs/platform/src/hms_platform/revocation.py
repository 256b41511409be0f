"""Access tokens revoked before they expire, and signing keys dropped, in every service.

auth emits ``auth.sessions_revoked.v1`` on logout, password change or reset, deactivation and
role change. Each service keeps the newest ``not_before`` per user in its own schema
(``<schema>.token_revocations``, filled by its consumer with :func:`record_sessions_revoked`), and
:func:`hms_platform.auth.deps.get_principal` refuses a token issued before it.

auth emits ``auth.signing_key_rotated.v1`` when it rotates its signing keys: the new current
kid, the previous one (still verifying) and the kids it retired. Each service keeps those ids
(never key material) in ``<schema>.signing_key_ids``, filled by its consumer with
:func:`record_signing_key_rotated`. The verifier refuses a retired kid even while its JWKS cache
still holds the key, and refetches the JWKS once when a kid it does not hold is announced.

Every API process re-reads both at most every ``refresh_seconds`` (default 2 s), so a
revocation or a dropped key takes effect everywhere within seconds of the event (rather than
at the JWKS cache's expiry, 5 minutes), without a query per request.
"""

from __future__ import annotations

import abc
import asyncio
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
import structlog
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from hms_contracts.auth import SessionsRevoked, SigningKeyRotated

if TYPE_CHECKING:  # only for annotations: the auth package imports FastAPI, and relays and
    # consumers (which record revocations) serve no HTTP
    from hms_platform.auth.verifier import Principal

log = structlog.get_logger(__name__)
TABLE = "token_revocations"
KEYS_TABLE = "signing_key_ids"


def revocation_table(metadata: sa.MetaData, schema: str) -> sa.Table:
    """``<schema>.token_revocations`` on a service's MetaData (its migration creates it with
    :func:`hms_platform.migrations.create_revocation_table`)."""
    return sa.Table(
        TABLE, metadata,
        sa.Column("user_id", sa.Uuid, primary_key=True),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=False),
        sa.Index(f"ix_{schema}_token_revocations_not_before", "not_before"),
        schema=schema,
    )


async def record_revocation(conn: AsyncConnection, table: sa.Table, user_id: uuid.UUID,
                            not_before: datetime) -> None:
    """Keep the later of the stored and the given instant (events may arrive out of order)."""
    statement = insert(table).values(user_id=user_id, not_before=not_before)
    await conn.execute(statement.on_conflict_do_update(
        index_elements=[table.c.user_id],
        set_={"not_before": sa.func.greatest(table.c.not_before,
                                             statement.excluded.not_before)}))


async def record_sessions_revoked(event: SessionsRevoked, uow: Any,
                                  revocation_table: sa.Table) -> None:
    """The handler of ``auth.sessions_revoked.v1`` for a service's message bus (register it
    beside the service's own handlers, with ``revocation_table`` among the dependencies)."""
    await record_revocation(uow.connection, revocation_table, event.user_id, event.not_before)


def signing_key_table(metadata: sa.MetaData, schema: str) -> sa.Table:
    """``<schema>.signing_key_ids`` on a service's MetaData: auth's signing key ids as its
    rotations announced them, ``retired`` once dropped (its migration creates it with
    :func:`hms_platform.migrations.create_signing_key_table`)."""
    return sa.Table(
        KEYS_TABLE, metadata,
        sa.Column("kid", sa.String(100), primary_key=True),
        sa.Column("retired", sa.Boolean, nullable=False),
        schema=schema,
    )


async def record_signing_key_rotated(event: SigningKeyRotated, uow: Any,
                                     signing_key_table: sa.Table) -> None:
    """The handler of ``auth.signing_key_rotated.v1`` for a service's message bus (register it
    beside the service's own handlers, with ``signing_key_table`` among the dependencies).
    A retired kid stays retired, whatever order the events arrive in."""
    await record_key_rotation(uow.connection, signing_key_table, event)


async def record_key_rotation(conn: AsyncConnection, table: sa.Table,
                              event: SigningKeyRotated) -> None:
    """Upsert the event's kids: the current and previous ones live, the retired ones retired."""
    retired = dict.fromkeys(event.retired_kids, True)
    for kid in (event.kid, event.previous_kid):
        if kid is not None:
            retired.setdefault(kid, False)
    statement = insert(table).values([{"kid": kid, "retired": flag}
                                      for kid, flag in retired.items()])
    await conn.execute(statement.on_conflict_do_update(
        index_elements=[table.c.kid],
        set_={"retired": sa.or_(table.c.retired, statement.excluded.retired)}))


@dataclass(frozen=True)
class SigningKeyIds:
    """Signing key ids as auth announced them: ``retired`` ones verify nothing any more;
    ``live`` ones (current and previous) belong in the JWKS."""

    retired: frozenset[str] = frozenset()
    live: frozenset[str] = frozenset()


class _Reread(abc.ABC):
    """A query's result kept in the process, re-read once older than ``refresh_seconds`` by
    one request at a time (the others use its result); a failed re-read keeps the last one."""

    _name = "rows"  # in the log

    def __init__(self, engine: AsyncEngine, *, refresh_seconds: float,
                 monotonic: Callable[[], float]) -> None:
        self._engine = engine
        self._refresh = refresh_seconds
        self._monotonic = monotonic
        self._loaded_at: float | None = None
        self._lock = asyncio.Lock()

    def _stale(self) -> bool:
        return self._loaded_at is None or self._monotonic() - self._loaded_at >= self._refresh

    async def _fresh(self) -> None:
        if not self._stale():
            return
        async with self._lock:
            if not self._stale():
                return
            try:
                async with self._engine.connect() as conn:
                    await self._load(conn)
            except Exception as exc:  # keep what we had; the request's own queries will fail
                log.warning(f"{self._name}.refresh_failed", error=type(exc).__name__)
            self._loaded_at = self._monotonic()

    @abc.abstractmethod
    async def _load(self, conn: AsyncConnection) -> None:
        """Read the rows into the subclass's own state."""


class SigningKeyList(_Reread):
    """The signing key ids one service knows of, cached in the process and re-read when stale.

    ``query`` yields ``(kid, retired)`` rows: :meth:`of` reads a service's
    ``signing_key_ids``; auth passes one over its own key store."""

    _name = "signing_keys"

    def __init__(self, engine: AsyncEngine, query: sa.Select[Any], *,
                 refresh_seconds: float = 2.0,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        super().__init__(engine, refresh_seconds=refresh_seconds, monotonic=monotonic)
        self._query = query
        self._ids = SigningKeyIds()

    @classmethod
    def of(cls, engine: AsyncEngine, table: sa.Table, **kwargs: Any) -> SigningKeyList:
        """Over a service's ``signing_key_ids`` table (:func:`signing_key_table`)."""
        return cls(engine, sa.select(table.c.kid, table.c.retired), **kwargs)

    async def current(self) -> SigningKeyIds:
        await self._fresh()
        return self._ids

    async def _load(self, conn: AsyncConnection) -> None:
        rows = (await conn.execute(self._query)).all()
        self._ids = SigningKeyIds(retired=frozenset(kid for kid, retired in rows if retired),
                                  live=frozenset(kid for kid, retired in rows if not retired))


class RevocationList(_Reread):
    """The recent revocations of one service, cached in the process and re-read when stale."""

    _name = "revocations"

    def __init__(self, engine: AsyncEngine, table: sa.Table, *, refresh_seconds: float = 2.0,
                 horizon: timedelta = timedelta(days=1),
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        # The horizon must exceed the longest access-token lifetime (auth allows up to a day):
        # older revocations can only concern tokens that have expired anyway.
        super().__init__(engine, refresh_seconds=refresh_seconds, monotonic=monotonic)
        self._table = table
        self._horizon = horizon
        self._not_before: dict[uuid.UUID, float] = {}

    async def refuses(self, principal: Principal) -> bool:
        """True when the principal's token was issued before its user's last revocation."""
        await self._fresh()
        cut = self._not_before.get(principal.user_id)
        if cut is None:
            return False
        issued = principal.issued_at
        return issued is None or issued < cut

    async def _load(self, conn: AsyncConnection) -> None:
        since = datetime.now(UTC) - self._horizon
        rows = (await conn.execute(
            sa.select(self._table.c.user_id, self._table.c.not_before)
            .where(self._table.c.not_before > since))).all()
        self._not_before = {row.user_id: row.not_before.timestamp() for row in rows}
