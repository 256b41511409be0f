"""The audit log: appended to (once per event id), searched; never changed. A search names
the people beside their ids, from auth's events (the people read model): the actor, and the
subject when it is a person or, for an appointment, ticket or penalty, its patient."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from hms_reporting.adapters.orm import appointments, audit_log, penalties, people, tickets
from hms_reporting.domain.audit import AuditEntry
from hms_reporting.domain.queries import AuditQuery

COLUMNS = ("id", "event_id", "occurred_at", "action", "subject_id", "actor_id", "actor_role",
           "correlation_id", "detail")


class SqlAuditLog:
    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def add(self, entry: AuditEntry) -> None:
        await self.connection.execute(insert(audit_log).values(
            event_id=entry.event_id, occurred_at=entry.occurred_at, action=entry.action,
            subject_id=entry.subject_id, actor_id=entry.actor_id, actor_role=entry.actor_role,
            correlation_id=entry.correlation_id, detail=entry.detail,
        ).on_conflict_do_nothing(index_elements=[audit_log.c.event_id]))

    async def add_many(self, entries: list[AuditEntry], chunk: int = 1000) -> None:
        for start in range(0, len(entries), chunk):
            await self.connection.execute(insert(audit_log).values([{
                "event_id": e.event_id, "occurred_at": e.occurred_at, "action": e.action,
                "subject_id": e.subject_id, "actor_id": e.actor_id, "actor_role": e.actor_role,
                "correlation_id": e.correlation_id, "detail": e.detail,
            } for e in entries[start:start + chunk]]).on_conflict_do_nothing(
                index_elements=[audit_log.c.event_id]))

    async def search(self, q: AuditQuery, start: datetime,
                     end: datetime) -> tuple[list[dict[str, Any]], tuple[datetime, int] | None]:
        """Newest first, ``q.limit`` at a time after ``q.cursor``; the next page's cursor."""
        t = audit_log
        query = sa.select(*(t.c[c] for c in COLUMNS)).where(
            t.c.occurred_at >= start, t.c.occurred_at < end)
        if q.actor_id is not None:
            query = query.where(t.c.actor_id == q.actor_id)
        if q.subject_id is not None:
            query = query.where(t.c.subject_id == q.subject_id)
        if q.action is not None:
            query = query.where(t.c.action == q.action)
        if q.cursor is not None:
            query = query.where(sa.tuple_(t.c.occurred_at, t.c.id) < q.cursor)
        query = query.order_by(t.c.occurred_at.desc(), t.c.id.desc()).limit(q.limit + 1)
        rows = [dict(r) for r in (await self.connection.execute(_named(query))).mappings()]
        more = len(rows) > q.limit
        rows = rows[:q.limit]
        return rows, ((rows[-1]["occurred_at"], rows[-1]["id"]) if more else None)


def _named(page: sa.Select[Any]) -> sa.Select[Any]:
    """``page`` (already limited) with ``actor_name`` and ``subject_name`` beside it: joined for
    the page's rows only; null when the name is not known (no event from auth yet)."""
    e = page.subquery("e")
    actor, subject, patient = people.alias("actor"), people.alias("subject"), people.alias("p")
    ra, rt, rp = appointments.alias("ra"), tickets.alias("rt"), penalties.alias("rp")
    patient_id = sa.func.coalesce(ra.c.patient_id, rt.c.patient_id, rp.c.patient_id)
    joined = (e.outerjoin(actor, actor.c.user_id == e.c.actor_id)
              .outerjoin(subject, subject.c.user_id == e.c.subject_id)
              .outerjoin(ra, ra.c.appointment_id == e.c.subject_id)
              .outerjoin(rt, rt.c.ticket_id == e.c.subject_id)
              .outerjoin(rp, rp.c.penalty_id == e.c.subject_id)
              .outerjoin(patient, patient.c.user_id == patient_id))
    return (sa.select(*e.c, actor.c.full_name.label("actor_name"),
                      sa.func.coalesce(subject.c.full_name, patient.c.full_name)
                      .label("subject_name"))
            .select_from(joined).order_by(e.c.occurred_at.desc(), e.c.id.desc()))
