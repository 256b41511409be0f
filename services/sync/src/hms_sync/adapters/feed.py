"""The feed in SQL: the consumer's rows (locked, upserted, purged) and the pull's pages, each
read under one snapshot whose ``xmin`` goes into the next cursor."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from hms_sync.adapters.orm import SEQ, changes
from hms_sync.domain.changes import Row
from hms_sync.service_layer.ports import Added, Audience, Page

_KEPT = "version, deleted, fields, patient_id, doctor_id, clinic_day, event_at"
_ROW = (sa.bindparam("version", type_=sa.Integer), sa.bindparam("deleted", type_=sa.Boolean),
        sa.bindparam("fields", type_=JSONB), sa.bindparam("patient_id", type_=sa.Uuid),
        sa.bindparam("doctor_id", type_=sa.Uuid), sa.bindparam("clinic_day", type_=sa.Date),
        sa.bindparam("event_at", type_=sa.DateTime(timezone=True)))
_KEY = (sa.bindparam("entity", type_=sa.String), sa.bindparam("id", type_=sa.String))
_OLDER_THAN = sa.bindparam("older_than", type_=sa.Interval)
# Each statement is built once: SQLAlchemy spent more on a new construct per event (its cache
# key) than on running it. ``txid``, ``seq`` and ``changed_at`` are renewed with every write
# (their defaults on insert): the pull's cursor (domain/cursor.py) and the retention.
_INSERT = f"""INSERT INTO {changes.fullname} (entity, id, {_KEPT})
VALUES (:entity, :id, :version, :deleted, :fields, :patient_id, :doctor_id, :clinic_day,
        :event_at)
ON CONFLICT DO NOTHING RETURNING seq"""
_LOCK = f"SELECT {_KEPT} FROM {changes.fullname} WHERE entity = :entity AND id = :id FOR UPDATE"
_PURGE = f"DELETE FROM {changes.fullname} WHERE changed_at < now() - :older_than"
# Most events are their record's first: the purge, the insert and, when the insert finds the
# record's row, that row locked, in one round trip. The purge spares the record's own row,
# which this transaction renews (or, when the event changes nothing, leaves to the next
# purge). The lock, like any in READ COMMITTED, waits for a transaction that holds the row
# and then reads it as that one left it; but a row that was not there when the statement
# began (inserted by a transaction that committed meanwhile) is never read by the statement,
# though it makes the insert do nothing: neither added nor found, ``load`` it.
_ADD = sa.text(f"""WITH purged AS ({_PURGE} AND (entity, id) <> (:entity, :id)),
added AS ({_INSERT})
SELECT (SELECT count(*) FROM added) AS added, found.*
FROM (SELECT 1) AS one LEFT JOIN LATERAL ({_LOCK}) AS found ON true""").bindparams(
    *_KEY, *_ROW, _OLDER_THAN)
_SAVE = {
    True: sa.text(_INSERT).bindparams(*_KEY, *_ROW),
    False: sa.text(f"""UPDATE {changes.fullname} SET version = :version, deleted = :deleted,
    fields = :fields, patient_id = :patient_id, doctor_id = :doctor_id,
    clinic_day = :clinic_day, event_at = :event_at, txid = pg_current_xact_id(),
    seq = nextval('{SEQ.schema}.{SEQ.name}'), changed_at = now()
WHERE entity = :entity AND id = :id""").bindparams(*_KEY, *_ROW),
}
_LOAD = sa.text(_LOCK).bindparams(*_KEY)
_PURGE_ALL = sa.text(_PURGE).bindparams(_OLDER_THAN)


class SqlFeed:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, row: Row, purge: timedelta) -> Added:
        found = (await self._conn.execute(
            _ADD, {**_values(row), "older_than": purge})).mappings().one()
        if found["added"]:
            return Added(True, None)
        return Added(False, None if found["version"] is None
                     else _row(row.entity, row.id, found))

    async def load(self, entity: str, id: str) -> Row | None:
        found = (await self._conn.execute(_LOAD, {"entity": entity, "id": id})).mappings().first()
        return None if found is None else _row(entity, id, found)

    async def save(self, row: Row, *, new: bool) -> bool:
        done = await self._conn.execute(_SAVE[new], _values(row))
        return not new or done.first() is not None

    async def purge(self, older_than: timedelta) -> int:
        done = await self._conn.execute(_PURGE_ALL, {"older_than": older_than})
        return done.rowcount or 0


def _values(row: Row) -> dict[str, Any]:
    return {"entity": row.entity, "id": row.id, "version": row.version,
            "deleted": row.deleted, "fields": dict(row.fields),
            "patient_id": _uuid(row.patient_id), "doctor_id": _uuid(row.doctor_id),
            "clinic_day": row.clinic_day, "event_at": row.event_at}


def _row(entity: str, id: str, found: sa.RowMapping) -> Row:
    return Row(entity, id, found["version"], found["fields"], found["event_at"],
               _text(found["patient_id"]), _text(found["doctor_id"]), found["clinic_day"],
               found["deleted"])


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
