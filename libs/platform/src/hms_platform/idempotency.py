"""Idempotency keys (the IETF ``Idempotency-Key`` header draft, as Stripe uses it): each
service keeps, in its own schema, the first response to every keyed write, per caller and key,
written in the same transaction as the write's effect (hms_platform.web.idempotency).

A row is ``(caller, key)``: who sent it (a user id, or ``anonymous:<address>``) and the key; the
request's fingerprint (method, path, query, content type and body, hashed), so the same key with
another request is refused; and the response (status, headers, body) a replay gets."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

TABLE = "idempotency_keys"
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")  # 1-255 visible ASCII characters


def idempotency_table(metadata: sa.MetaData, schema: str) -> sa.Table:
    return sa.Table(
        TABLE, metadata,
        sa.Column("caller", sa.Text, primary_key=True),
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("fingerprint", sa.Text, nullable=False),
        sa.Column("status", sa.SmallInteger, nullable=False),
        sa.Column("headers", JSONB, nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Index(f"ix_{TABLE}_created_at", "created_at"),
        schema=schema,
    )


def valid_key(key: str) -> bool:
    return bool(_KEY.match(key))


def fingerprint(method: str, path: str, query: bytes, content_type: bytes, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), query, content_type, body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


@dataclass(frozen=True)
class Stored:
    fingerprint: str
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


class IdempotencyStore:
    """One service's ``idempotency_keys`` table in its database: keys live ``ttl``, then are
    purged."""

    def __init__(self, engine: AsyncEngine, table: sa.Table, ttl: timedelta) -> None:
        self.engine = engine
        self.table = table
        self.ttl = ttl

    async def lock(self, conn: AsyncConnection, caller: str, key: str) -> bool:
        """Take the key for this transaction; False if another transaction holds it (the same
        key still in flight)."""
        lock_id = sa.func.hashtextextended(f"{self.table.fullname} {caller} {key}", 0)
        return bool(await conn.scalar(sa.select(sa.func.pg_try_advisory_xact_lock(lock_id))))

    async def find(self, conn: AsyncConnection, caller: str, key: str) -> Stored | None:
        t = self.table
        row = (await conn.execute(
            sa.select(t.c.fingerprint, t.c.status, t.c.headers, t.c.body).where(
                t.c.caller == caller, t.c.key == key,
                t.c.created_at > sa.func.now() - self.ttl))).first()
        if row is None:
            return None
        headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in row.headers]
        return Stored(row.fingerprint, row.status, headers, row.body)

    async def save(self, conn: AsyncConnection, caller: str, key: str, stored: Stored) -> None:
        """Record the response (over an expired row of the same key, if one is left)."""
        headers = [[k.decode("latin-1"), v.decode("latin-1")] for k, v in stored.headers]
        values = {"caller": caller, "key": key, "fingerprint": stored.fingerprint,
                  "status": stored.status, "headers": headers, "body": stored.body,
                  "created_at": sa.func.now()}
        statement = insert(self.table).values(values)
        await conn.execute(statement.on_conflict_do_update(
            index_elements=["caller", "key"],
            set_={k: statement.excluded[k] for k in values if k not in ("caller", "key")}))

    async def purge(self, conn: AsyncConnection) -> int:
        """Delete the expired keys; how many."""
        result = await conn.execute(sa.delete(self.table).where(
            self.table.c.created_at <= sa.func.now() - self.ttl))
        return int(result.rowcount or 0)
