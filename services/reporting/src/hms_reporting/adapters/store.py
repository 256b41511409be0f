"""The event store: every event once, by id; read back in time order for a replay.

Keeping an event is one statement with what it brings along (every consumed event pays each
round trip, and the reporting consumer gets them all): only if the event is new, its audit
entry (the actor's role as stored) and its read-model row, inserted as the fact made it if
there was none, else the stored row, locked for the merge. The statements are built once, here,
for each read model, with and without an audit entry."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from hms_contracts.envelope import Envelope
from hms_reporting.adapters.orm import SCHEMA, audit_log, events, people
from hms_reporting.adapters.read_models import FIELDS, KEY, TABLE_OF, SqlReadModels
from hms_reporting.domain.audit import AuditEntry
from hms_reporting.domain.rows import Row
from hms_reporting.service_layer.ports import Kept

_EVENT = ("event_id", "name", "occurred_at", "producer", "correlation_id", "causation_id",
          "payload")
_AUDIT = ("occurred_at", "action", "subject_id", "actor_id", "actor_role", "correlation_id",
          "detail")


def _binds(table: sa.Table, names: tuple[str, ...], prefix: str) -> list[sa.BindParameter[Any]]:
    return [sa.bindparam(prefix + n, type_=table.c[n].type) for n in names]


def _keep(cls: type[Row] | None, audited: bool) -> sa.TextClause:
    """The event stored if new (``stored``), then from it: the audit entry, and the row
    ``created`` (DO NOTHING if there is one), else the stored one, ``locked`` (its newest
    version). A statement sees the rows committed when it began: a row another transaction
    made since is in neither, and the caller reads it after (``SqlEventStore.add``)."""
    binds = _binds(events, _EVENT, "")
    ctes = [f"stored AS (INSERT INTO {SCHEMA}.events ({', '.join(_EVENT)}) "
            f"VALUES ({', '.join(':' + n for n in _EVENT)}) "
            "ON CONFLICT (event_id) DO NOTHING RETURNING event_id)"]
    if audited:
        binds += _binds(audit_log, _AUDIT, "a_")
        ctes.append(
            f"audited AS (INSERT INTO {SCHEMA}.audit_log (event_id, {', '.join(_AUDIT)}) "
            "SELECT event_id, :a_occurred_at, :a_action, :a_subject_id, :a_actor_id, "
            f"coalesce(:a_actor_role, (SELECT role FROM {SCHEMA}.{people.name} "
            "WHERE user_id = :a_actor_id)), :a_correlation_id, :a_detail FROM stored "
            "ON CONFLICT (event_id) DO NOTHING)")
    if cls is None:
        return sa.text(f"WITH {', '.join(ctes)} SELECT true AS kept FROM stored").bindparams(
            *binds)
    table, names, key = TABLE_OF[cls], FIELDS[cls], KEY[cls]
    listed = ", ".join(f'"{n}"' for n in names)
    binds += _binds(table, names, "r_")
    ctes += [f"created AS (INSERT INTO {SCHEMA}.{table.name} ({listed}) "
             f"SELECT {', '.join(':r_' + n for n in names)} FROM stored "
             f'ON CONFLICT ("{key}") DO NOTHING RETURNING "{key}")',
             f"locked AS (SELECT {listed} FROM {SCHEMA}.{table.name} "
             f'WHERE "{key}" = :r_{key} AND EXISTS (SELECT FROM stored) FOR UPDATE)']
    return sa.text(
        f"WITH {', '.join(ctes)} SELECT EXISTS (SELECT FROM stored) AS kept, "
        "EXISTS (SELECT FROM created) AS created, locked.* "
        "FROM (VALUES (1)) AS one LEFT JOIN locked ON true").bindparams(*binds)


KEEP = {(t, a): _keep(t, a) for t in (None, *TABLE_OF) for a in (False, True)}


class SqlEventStore:
    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def add(self, envelope: Envelope, row: Row | None = None,
                  entry: AuditEntry | None = None) -> Kept | None:
        """Keep the event, and in the same statement ``entry`` and ``row`` (the event's fact
        merged into a new row); None if it was already kept (then it changes nothing)."""
        params = {"event_id": envelope.event_id, "name": envelope.name,
                  "occurred_at": envelope.occurred_at, "producer": envelope.producer,
                  "correlation_id": envelope.correlation_id,
                  "causation_id": envelope.causation_id, "payload": envelope.payload}
        if entry is not None:
            params.update({"a_" + n: getattr(entry, n) for n in _AUDIT})
        if row is not None:
            params.update({"r_" + n: v for n, v in vars(row).items()})
        found = (await self.connection.execute(
            KEEP[type(row) if row is not None else None, entry is not None], params)).first()
        if found is None or not found.kept:
            return None
        if row is None or found.created:
            return Kept(None)
        cls = type(row)
        if getattr(found, KEY[cls]) is not None:  # the stored row, locked
            return Kept(cls(*found[2:]))
        # Made since this statement began, by another transaction: read now, locked.
        return Kept(await SqlReadModels(self.connection).load(cls, getattr(row, KEY[cls])))


async def stream_events(engine: AsyncEngine, batch: int) -> AsyncIterator[list[Envelope]]:
    """Every stored event in (occurred_at, event_id) order, ``batch`` at a time (keyset pages,
    so the read holds no long transaction)."""
    after: tuple[object, object] | None = None
    columns = [events.c[n] for n in ("event_id", "name", "occurred_at", "producer",
                                     "correlation_id", "causation_id", "payload")]
    while True:
        query = sa.select(*columns).order_by(events.c.occurred_at, events.c.event_id).limit(batch)
        if after is not None:
            query = query.where(sa.tuple_(events.c.occurred_at, events.c.event_id) > after)
        async with engine.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        if not rows:
            return
        yield [Envelope.model_validate(dict(r)) for r in rows]
        after = (rows[-1]["occurred_at"], rows[-1]["event_id"])
