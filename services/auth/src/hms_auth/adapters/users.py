"""Users in Postgres: all SQL on the users table lives here."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from hms_auth.adapters.orm import users
from hms_auth.domain.errors import AlreadyRegistered
from hms_auth.domain.users import Role, User
from hms_platform.recording import Seen

# Transaction-scoped advisory lock taken by whoever may change the set of admins.
ADMINS_LOCK = 0x6175_7468_0000_0001
_TAKEN = {"users_username_key_unique": "username", "users_phone_number_unique": "phone_number"}


def _row(user: User) -> dict[str, Any]:
    return {
        "id": user.id, "username": user.username, "username_key": user.username.lower(),
        "role": user.role.value, "full_name": user.full_name, "email": user.email,
        "phone_number": user.phone_number, "department": user.department, "room": user.room,
        "password_hash": user.password_hash, "active": user.active,
        "tokens_valid_after": user.tokens_valid_after,
        "created_at": user.created_at, "updated_at": user.updated_at,
        "activated_at": user.activated_at, "password_reset_by": user.password_reset_by,
        "field_times": user.field_times,
    }


def _user(row: Mapping[Any, Any]) -> User:
    fields = {k: v for k, v in row.items() if k != "username_key"}
    return User(**{**fields, "role": Role(row["role"])})


def constraint_name(exc: IntegrityError) -> str | None:
    # asyncpg's exception (with constraint_name) is the cause of SQLAlchemy's DBAPI wrapper.
    return getattr(getattr(exc.orig, "__cause__", None), "constraint_name", None)


class SqlUserRepository:
    def __init__(self, conn: AsyncConnection, seen: Seen) -> None:
        self.conn, self.seen = conn, seen  # seen: the unit of work's recorder

    async def add(self, user: User) -> None:
        await self._write(sa.insert(users).values(_row(user)))
        self.seen(user)

    async def save(self, user: User) -> None:
        row = _row(user)
        del row["id"], row["created_at"]
        await self._write(sa.update(users).where(users.c.id == user.id).values(row))
        self.seen(user)

    async def _write(self, statement: sa.Executable) -> None:
        try:
            await self.conn.execute(statement)
        except IntegrityError as exc:  # the transaction is spoiled; the handler gives up
            field = _TAKEN.get(constraint_name(exc) or "")
            if field is None:
                raise
            raise AlreadyRegistered(field) from None

    async def get(self, user_id: uuid.UUID, *, for_update: bool = False) -> User | None:
        query = sa.select(users).where(users.c.id == user_id)
        return await self._one(query.with_for_update() if for_update else query)

    async def get_by_phone(self, phone_number: str) -> User | None:
        return await self._one(sa.select(users).where(users.c.phone_number == phone_number))

    async def find_by_login(self, username: str, phone_number: str | None) -> User | None:
        match = users.c.username_key == username
        if phone_number is not None:
            match = sa.or_(match, users.c.phone_number == phone_number)
        # A username match wins over a phone match (they can differ only for odd data).
        return await self._one(sa.select(users).where(match)
                               .order_by((users.c.username_key == username).desc()).limit(1))

    async def search(self, *, role: str | None, active: bool | None, query: str | None,
                     limit: int, offset: int) -> tuple[list[User], int]:
        where: list[sa.ColumnElement[bool]] = []
        if role is not None:
            where.append(users.c.role == role)
        if active is not None:
            where.append(users.c.active == active)
        if query:
            where.append(sa.or_(*(column.icontains(query, autoescape=True) for column in (
                users.c.username_key, users.c.full_name, users.c.email, users.c.phone_number))))
        total = await self.conn.scalar(sa.select(sa.func.count()).select_from(users)
                                          .where(*where))
        rows = await self.conn.execute(
            sa.select(users).where(*where).order_by(users.c.created_at, users.c.id)
            .limit(limit).offset(offset))
        return [_user(row) for row in rows.mappings()], int(total or 0)

    async def any_admin(self) -> bool:
        query = sa.select(sa.exists().where(users.c.role == Role.ADMIN.value))
        return bool(await self.conn.scalar(query))

    async def count_active_admins(self) -> int:
        query = sa.select(sa.func.count()).select_from(users).where(
            users.c.role == Role.ADMIN.value, users.c.active.is_(True))
        return int(await self.conn.scalar(query) or 0)

    async def lock_admins(self) -> None:
        await self.conn.execute(sa.select(sa.func.pg_advisory_xact_lock(ADMINS_LOCK)))

    async def _one(self, query: sa.Select[Any]) -> User | None:
        row = (await self.conn.execute(query)).mappings().first()
        return _user(row) if row is not None else None
