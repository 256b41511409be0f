"""Refresh-token families and their tokens in Postgres."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from hms_auth.adapters.orm import refresh_families, refresh_tokens
from hms_auth.domain.refresh import RefreshFamily, RefreshToken
from hms_platform.recording import Seen

_FAMILY = [c.name for c in refresh_families.c]
_TOKEN = [c.name for c in refresh_tokens.c]


def _token_row(token: RefreshToken) -> dict[str, Any]:
    return {name: getattr(token, name) for name in _TOKEN}


class SqlRefreshTokenRepository:
    def __init__(self, conn: AsyncConnection, seen: Seen) -> None:
        self.conn, self.seen = conn, seen  # seen: the unit of work's recorder

    async def add_family(self, family: RefreshFamily, token: RefreshToken) -> None:
        await self.conn.execute(sa.insert(refresh_families).values(
            {name: getattr(family, name) for name in _FAMILY}))
        await self.add_token(token)
        self.seen(family)

    async def add_token(self, token: RefreshToken) -> None:
        await self.conn.execute(sa.insert(refresh_tokens).values(_token_row(token)))

    async def lock(self, token_hash: str) -> tuple[RefreshFamily, RefreshToken] | None:
        # FOR UPDATE locks both joined rows; a waiting transaction then re-reads the newest
        # version of the token, so it sees `spent_at` set by the one before it.
        query = (sa.select(refresh_tokens, refresh_families)
                 .join(refresh_families, refresh_families.c.id == refresh_tokens.c.family_id)
                 .where(refresh_tokens.c.token_hash == token_hash).with_for_update())
        row = (await self.conn.execute(query)).mappings().first()
        if row is None:
            return None
        family = RefreshFamily(**{name: row[refresh_families.c[name]] for name in _FAMILY})
        token = RefreshToken(**{name: row[refresh_tokens.c[name]] for name in _TOKEN})
        return family, token

    async def save(self, family: RefreshFamily, token: RefreshToken | None = None) -> None:
        await self.conn.execute(
            sa.update(refresh_families).where(refresh_families.c.id == family.id)
            .values(revoked_at=family.revoked_at, revoked_reason=family.revoked_reason))
        self.seen(family)
        if token is not None:
            await self.conn.execute(
                sa.update(refresh_tokens).where(refresh_tokens.c.token_hash == token.token_hash)
                .values(spent_at=token.spent_at))

    async def revoke_all(self, user_id: uuid.UUID, now: datetime, reason: str) -> int:
        result = await self.conn.execute(
            sa.update(refresh_families)
            .where(refresh_families.c.user_id == user_id, refresh_families.c.revoked_at.is_(None))
            .values(revoked_at=now, revoked_reason=reason))
        return int(getattr(result, "rowcount", 0) or 0)
