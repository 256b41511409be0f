"""Access tokens revoked before they expire, in every service.

auth emits ``auth.sessions_revoked.v1`` on logout, password change or reset, deactivation and
role change. Each service keeps the newest ``not_before`` per user in its own schema
(``<schema>.token_revocations``, filled by its consumer with :func:`record_sessions_revoked`), and
:func:`hms_platform.auth.deps.get_principal` refuses a token issued before it. Every API
process re-reads the recent rows at most every ``refresh_seconds`` (default 2 s), so a
revocation takes effect everywhere within seconds of the event, without a query per request.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
import structlog
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from hms_contracts.auth import SessionsRevoked

if TYPE_CHECKING:  # only for annotations: the auth package imports FastAPI, and relays and
    # consumers (which record revocations) serve no HTTP
    from hms_platform.auth.verifier import Principal

log = structlog.get_logger(__name__)
TABLE = "token_revocations"


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


class RevocationList:
    """The recent revocations of one service, cached in the process and re-read when stale."""

    def __init__(self, engine: AsyncEngine, table: sa.Table, *, refresh_seconds: float = 2.0,
                 horizon: timedelta = timedelta(days=1),
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        # The horizon must exceed the longest access-token lifetime (auth allows up to a day):
        # older revocations can only concern tokens that have expired anyway.
        self._engine = engine
        self._table = table
        self._refresh = refresh_seconds
        self._horizon = horizon
        self._monotonic = monotonic
        self._not_before: dict[uuid.UUID, float] = {}
        self._loaded_at: float | None = None
        self._lock = asyncio.Lock()

    async def refuses(self, principal: Principal) -> bool:
        """True when the principal's token was issued before its user's last revocation."""
        await self._fresh()
        cut = self._not_before.get(principal.user_id)
        if cut is None:
            return False
        issued = principal.issued_at
        return issued is None or issued < cut

    async def _fresh(self) -> None:
        if self._loaded_at is not None and self._monotonic() - self._loaded_at < self._refresh:
            return
        async with self._lock:  # one re-read at a time; the others use its result
            if (self._loaded_at is not None
                    and self._monotonic() - self._loaded_at < self._refresh):
                return
            since = datetime.now(UTC) - self._horizon
            try:
                async with self._engine.connect() as conn:
                    rows = (await conn.execute(
                        sa.select(self._table.c.user_id, self._table.c.not_before)
                        .where(self._table.c.not_before > since))).all()
            except Exception as exc:  # keep what we had; the request's own queries will fail
                log.warning("revocations.refresh_failed", error=type(exc).__name__)
                self._loaded_at = self._monotonic()
                return
            self._not_before = {row.user_id: row.not_before.timestamp() for row in rows}
            self._loaded_at = self._monotonic()
