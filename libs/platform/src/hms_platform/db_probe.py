"""The database readiness check (``ping``), which must not queue behind the work it watches.

A consumer catching up on a backlog (after a broker outage, say) holds every connection of its
pool, with more handlers waiting for one; a ``SELECT 1`` that waits its turn behind them takes
longer than the probe's timeout, and the busy process, working fine, answers /readyz 503. The
gateway then takes a busy API replica out, and a consumer looks broken exactly while it
catches up. So: while the pool is saturated and its connections keep coming back healthy (one
returned within ``RECENT`` seconds), the database is answering and ``ping`` says so at once; a
pool with a free connection, or one whose connections stopped coming back (a database that
hangs), gets the real query.
"""

from __future__ import annotations

import time
import weakref
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import QueuePool

RECENT = 2.0  # seconds: a connection returned healthy this recently shows the database answers
_RETURNED: weakref.WeakKeyDictionary[Any, float] = weakref.WeakKeyDictionary()


def track_returns(engine: AsyncEngine) -> AsyncEngine:
    """Note when the engine's pool gets a healthy connection back (an invalidated one, lost
    with its database, does not count)."""
    pool = engine.sync_engine.pool

    def returned(dbapi_connection: Any, _record: Any) -> None:
        if dbapi_connection is not None:
            _RETURNED[pool] = time.monotonic()

    event.listen(pool, "checkin", returned)
    return engine


def _busy_and_answering(engine: AsyncEngine) -> bool:
    pool = engine.sync_engine.pool
    if not isinstance(pool, QueuePool) or pool.checkedin() > 0 or (
            pool.checkedout() < pool.size()):
        return False
    last = _RETURNED.get(pool)
    return last is not None and time.monotonic() - last < RECENT


async def ping(engine: AsyncEngine) -> None:
    """Raise unless the database answers a trivial query; at once while every connection is
    busy and they keep coming back healthy."""
    if _busy_and_answering(engine):
        return
    async with engine.connect() as conn:
        await conn.execute(sa.text("SELECT 1"))
