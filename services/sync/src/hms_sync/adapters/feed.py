"""The feed in SQL: the consumer's rows (locked, upserted, purged) and the pull's pages, each
read under one snapshot whose ``xmin`` goes into the next cursor."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from hms_sync.adapters.orm import SEQ, changes
from hms_sync.domain.changes import Row
from hms_sync.service_layer.ports import Audience, Page

_RENEWED = {"txid": sa.func.pg_current_xact_id(), "seq": SEQ.next_value(),
            "changed_at": sa.func.now()}


class SqlFeed:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def load(self, entity: str, id: str) -> Row | None:
        found = (await self._conn.execute(
            sa.select(changes).where(changes.c.entity == entity, changes.c.id == id)
            .with_for_update())).mappings().first()
        if found is None:
            return None
        return Row(found["entity"], found["id"], found["version"], found["fields"],
                   found["event_at"], _text(found["patient_id"]), _text(found["doctor_id"]),
                   found["clinic_day"], found["deleted"])

    async def save(self, row: Row, *, new: bool) -> bool:
        values = {"version": row.version, "deleted": row.deleted, "fields": dict(row.fields),
                  "patient_id": _uuid(row.patient_id), "doctor_id": _uuid(row.doctor_id),
                  "clinic_day": row.clinic_day, "event_at": row.event_at}
        if new:
            inserted = await self._conn.execute(
                insert(changes).values(entity=row.entity, id=row.id, **values)
                .on_conflict_do_nothing().returning(changes.c.seq))
            return inserted.first() is not None
        await self._conn.execute(
            changes.update().where(changes.c.entity == row.entity, changes.c.id == row.id)
            .values(**values, **_RENEWED))
        return True

    async def purge(self, older_than: timedelta) -> int:
        done = await self._conn.execute(changes.delete().where(
            changes.c.changed_at < sa.func.now() - older_than))
        return done.rowcount or 0


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _uuid(value: str | None) -> uuid.UUID | None:
    if value is None:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


# One statement, so one snapshot: its xmin and the rows it can see go together.
_PAGE = """
WITH snap AS (SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin)
SELECT snap.xmin, c.entity, c.id, c.version, c.deleted, c.fields, c.seq
FROM snap LEFT JOIN LATERAL (
    SELECT entity, id, version, deleted, fields, seq FROM sync.changes
    WHERE txid >= CAST(:since AS xid8) AND seq > :after AND ({audience})
    ORDER BY seq LIMIT :limit
) c ON true
"""
_AUDIENCES = {
    "patient": "patient_id = :who",
    "doctor": "doctor_id = :who AND entity IN ('appointment', 'ticket')",
    "day": "clinic_day = :day AND entity IN ('appointment', 'ticket')",
}


class SqlFeedReader:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def page(self, audience: Audience, since: int, after: int, limit: int) -> Page:
        params: dict[str, Any]
        if audience.patient_id is not None:
            where, params = _AUDIENCES["patient"], {"who": audience.patient_id}
        elif audience.doctor_id is not None:
            where, params = _AUDIENCES["doctor"], {"who": audience.doctor_id}
        else:
            where, params = _AUDIENCES["day"], {"day": audience.clinic_day}
        async with self._engine.connect() as conn:
            result = await conn.execute(
                sa.text(_PAGE.format(audience=where)),
                {"since": since, "after": after, "limit": limit + 1, **params})
            found = result.mappings().all()
        xmin = int(found[0]["xmin"])
        rows = [{"entity": r["entity"], "id": r["id"], "version": r["version"],
                 "deleted": r["deleted"], "fields": r["fields"], "seq": r["seq"]}
                for r in found if r["entity"] is not None]
        return Page(rows[:limit], xmin, len(rows) > limit)
