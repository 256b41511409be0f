"""Refresh-token families and throttle counters in Postgres."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from hms_auth.adapters.orm import refresh_families, refresh_tokens, throttle
from hms_auth.domain.refresh import RefreshFamily, RefreshToken
from hms_auth.domain.throttle import ThrottleState

_FAMILY = [c.name for c in refresh_families.c]
_TOKEN = [c.name for c in refresh_tokens.c]


def _token_row(token: RefreshToken) -> dict[str, Any]:
    return {name: getattr(token, name) for name in _TOKEN}


class SqlRefreshTokenRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_family(self, family: RefreshFamily, token: RefreshToken) -> None:
        await self.session.execute(sa.insert(refresh_families).values(
            {name: getattr(family, name) for name in _FAMILY}))
        await self.add_token(token)

    async def add_token(self, token: RefreshToken) -> None:
        await self.session.execute(sa.insert(refresh_tokens).values(_token_row(token)))

    async def lock(self, token_hash: str) -> tuple[RefreshFamily, RefreshToken] | None:
        # FOR UPDATE locks both joined rows; a waiting transaction then re-reads the newest
        # version of the token, so it sees `spent_at` set by the one before it.
        query = (sa.select(refresh_tokens, refresh_families)
                 .join(refresh_families, refresh_families.c.id == refresh_tokens.c.family_id)
                 .where(refresh_tokens.c.token_hash == token_hash).with_for_update())
        row = (await self.session.execute(query)).mappings().first()
        if row is None:
            return None
        family = RefreshFamily(**{name: row[refresh_families.c[name]] for name in _FAMILY})
        token = RefreshToken(**{name: row[refresh_tokens.c[name]] for name in _TOKEN})
        return family, token

    async def save(self, family: RefreshFamily, token: RefreshToken | None = None) -> None:
        await self.session.execute(
            sa.update(refresh_families).where(refresh_families.c.id == family.id)
            .values(revoked_at=family.revoked_at, revoked_reason=family.revoked_reason))
        if token is not None:
            await self.session.execute(
                sa.update(refresh_tokens).where(refresh_tokens.c.token_hash == token.token_hash)
                .values(spent_at=token.spent_at))

    async def revoke_all(self, user_id: uuid.UUID, now: datetime, reason: str) -> int:
        result = await self.session.execute(
            sa.update(refresh_families)
            .where(refresh_families.c.user_id == user_id, refresh_families.c.revoked_at.is_(None))
            .values(revoked_at=now, revoked_reason=reason))
        return int(getattr(result, "rowcount", 0) or 0)


class SqlThrottleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, scope: str, key: str) -> ThrottleState | None:
        row = (await self.session.execute(
            sa.select(throttle.c.window_start, throttle.c.failures)
            .where(throttle.c.scope == scope, throttle.c.key == key))).first()
        return ThrottleState(row.window_start, row.failures) if row is not None else None

    async def record_failure(self, scope: str, key: str, now: datetime,
                             window: timedelta) -> ThrottleState:
        # domain.throttle.after_failure in one statement: concurrent failures all count.
        expired = throttle.c.window_start <= now - window
        first = insert(throttle).values(scope=scope, key=key, window_start=now, failures=1)
        statement = first.on_conflict_do_update(
            index_elements=[throttle.c.scope, throttle.c.key],
            set_={"window_start": sa.case((expired, now), else_=throttle.c.window_start),
                  "failures": sa.case((expired, 1), else_=throttle.c.failures + 1)},
        ).returning(throttle.c.window_start, throttle.c.failures)
        row = (await self.session.execute(statement)).one()
        return ThrottleState(row.window_start, row.failures)

    async def take(self, scope: str, key: str, now: datetime, window: timedelta,
                   limit: int) -> ThrottleState | None:
        # domain.throttle.after_take in one statement: the row lock serialises concurrent
        # attempts, and the WHERE refuses the one past the limit (no row comes back).
        expired = throttle.c.window_start <= now - window
        first = insert(throttle).values(scope=scope, key=key, window_start=now, failures=1)
        statement = first.on_conflict_do_update(
            index_elements=[throttle.c.scope, throttle.c.key],
            set_={"window_start": sa.case((expired, now), else_=throttle.c.window_start),
                  "failures": sa.case((expired, 1), else_=throttle.c.failures + 1)},
            where=sa.or_(expired, throttle.c.failures < limit),
        ).returning(throttle.c.window_start, throttle.c.failures)
        row = (await self.session.execute(statement)).first()
        return ThrottleState(row.window_start, row.failures) if row is not None else None

    async def give_back(self, scope: str, key: str, window_start: datetime) -> None:
        await self.session.execute(
            sa.update(throttle)
            .where(throttle.c.scope == scope, throttle.c.key == key,
                   throttle.c.window_start == window_start, throttle.c.failures > 0)
            .values(failures=throttle.c.failures - 1))

    async def reset(self, scope: str, key: str) -> None:
        await self.session.execute(
            sa.delete(throttle).where(throttle.c.scope == scope, throttle.c.key == key))
