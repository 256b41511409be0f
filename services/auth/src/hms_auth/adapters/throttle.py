"""Throttle counters in Postgres: each change is one atomic statement."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from hms_auth.adapters.orm import throttle
from hms_auth.domain.throttle import ThrottleState, after_refusal


class SqlThrottleRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def get(self, scope: str, key: str) -> ThrottleState | None:
        row = (await self.conn.execute(
            sa.select(throttle.c.window_start, throttle.c.failures)
            .where(throttle.c.scope == scope, throttle.c.key == key))).first()
        return ThrottleState(row.window_start, row.failures) if row is not None else None

    async def record_failure(self, scope: str, key: str, now: datetime,
                             window: timedelta) -> ThrottleState:
        # domain.throttle.after_failure in one statement: concurrent failures all count.
        state = await self._count(scope, key, now, window, None)
        assert state is not None  # without a limit the upsert always returns its row
        return state

    async def take(self, scope: str, key: str, now: datetime, window: timedelta,
                   limit: int) -> ThrottleState | None:
        # after_failure unless the open window holds `limit`, in one statement: the row lock
        # serialises concurrent attempts, and the WHERE refuses the one past the limit.
        return await self._count(scope, key, now, window, limit)

    async def _count(self, scope: str, key: str, now: datetime, window: timedelta,
                     limit: int | None) -> ThrottleState | None:
        expired = throttle.c.window_start <= now - window
        first = insert(throttle).values(scope=scope, key=key, window_start=now, failures=1)
        statement = first.on_conflict_do_update(
            index_elements=[throttle.c.scope, throttle.c.key],
            set_={"window_start": sa.case((expired, now), else_=throttle.c.window_start),
                  "failures": sa.case((expired, 1), else_=throttle.c.failures + 1)},
            where=None if limit is None else sa.or_(expired, throttle.c.failures < limit),
        ).returning(throttle.c.window_start, throttle.c.failures)
        row = (await self.conn.execute(statement)).first()
        return ThrottleState(row.window_start, row.failures) if row is not None else None

    async def give_back(self, scope: str, key: str, window_start: datetime) -> None:
        await self.conn.execute(
            sa.update(throttle)
            .where(throttle.c.scope == scope, throttle.c.key == key,
                   throttle.c.window_start == window_start, throttle.c.failures > 0)
            .values(failures=throttle.c.failures - 1))

    async def reset(self, scope: str, key: str) -> None:
        await self.conn.execute(
            sa.delete(throttle).where(throttle.c.scope == scope, throttle.c.key == key))

    async def tally(self, scope: str, key: str, now: datetime,
                    window: timedelta) -> ThrottleState | None:
        # The row locked, so that the closed window's count is read once, by whoever closes it.
        row = (await self.conn.execute(
            sa.select(throttle.c.window_start, throttle.c.failures)
            .where(throttle.c.scope == scope, throttle.c.key == key)
            .with_for_update())).first()
        if row is None:  # a first refusal racing this one counts on its row instead
            await self._count(scope, key, now, window, None)
            return None
        state, closed = after_refusal(ThrottleState(row.window_start, row.failures), now,
                                      window)
        await self.conn.execute(
            sa.update(throttle).where(throttle.c.scope == scope, throttle.c.key == key)
            .values(window_start=state.window_start, failures=state.failures))
        return closed

    async def close_windows(self, scope: str, started_before: datetime,
                            limit: int) -> list[tuple[str, ThrottleState]]:
        due = (sa.select(throttle.c.scope, throttle.c.key)
               .where(throttle.c.scope == scope, throttle.c.window_start <= started_before)
               .order_by(throttle.c.window_start).limit(limit)
               .with_for_update(skip_locked=True))
        rows = await self.conn.execute(
            sa.delete(throttle).where(sa.tuple_(throttle.c.scope, throttle.c.key).in_(due))
            .returning(throttle.c.key, throttle.c.window_start, throttle.c.failures))
        return [(row.key, ThrottleState(row.window_start, row.failures)) for row in rows]
