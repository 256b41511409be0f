"""One-time codes (activation and password reset) in Postgres."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from hms_auth.adapters.orm import activation_codes
from hms_auth.domain.activation import ActivationCode


class SqlActivationCodeRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def put(self, code: ActivationCode) -> None:
        values = {"user_id": code.user_id, "code_hash": code.code_hash,
                  "issued_at": code.issued_at, "expires_at": code.expires_at, "used_at": None,
                  "reset_by": code.reset_by}
        statement = insert(activation_codes).values(values)
        await self.conn.execute(statement.on_conflict_do_update(
            index_elements=[activation_codes.c.user_id], set_=values))

    async def get(self, user_id: uuid.UUID) -> ActivationCode | None:
        return await self._one(sa.select(activation_codes)
                               .where(activation_codes.c.user_id == user_id))

    async def get_for_update(self, user_id: uuid.UUID) -> ActivationCode | None:
        return await self._one(sa.select(activation_codes)
                               .where(activation_codes.c.user_id == user_id).with_for_update())

    async def _one(self, query: sa.Select[Any]) -> ActivationCode | None:
        row = (await self.conn.execute(query)).mappings().first()
        return ActivationCode(**row) if row is not None else None

    async def save(self, code: ActivationCode) -> None:
        await self.conn.execute(
            sa.update(activation_codes).where(activation_codes.c.user_id == code.user_id)
            .values(used_at=code.used_at))
