"""Appointment tombstones in Postgres: one row per appointment closed or moved. Events of one
appointment take an advisory lock on its id first, so a cancellation and a booking handled at
once by two replicas see each other's effects."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from hms_notifications.adapters.orm import appointment_marks as marks
from hms_notifications.domain.model import AppointmentMark

_LOCK = sa.select(sa.func.pg_advisory_xact_lock(
    sa.func.hashtext("notifications.appointment"),
    sa.func.hashtext(sa.bindparam("appointment", type_=sa.Text))))
_SELECT = sa.select(marks.c.appointment_id, marks.c.closed, marks.c.moved_from)


def _mark(row: sa.Row) -> AppointmentMark:
    return AppointmentMark(row.appointment_id, row.closed, frozenset(row.moved_from))


class SqlAppointmentMarkRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def lock(self, appointment_id: uuid.UUID) -> None:
        await self.conn.execute(_LOCK, {"appointment": str(appointment_id)})

    async def get(self, appointment_id: uuid.UUID) -> AppointmentMark:
        row = (await self.conn.execute(
            _SELECT.where(marks.c.appointment_id == appointment_id))).first()
        return _mark(row) if row else AppointmentMark(appointment_id)

    async def get_many(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, AppointmentMark]:
        if not ids:
            return {}
        rows = await self.conn.execute(_SELECT.where(marks.c.appointment_id.in_(set(ids))))
        return {row.appointment_id: _mark(row) for row in rows}

    async def close(self, appointment_id: uuid.UUID, how: str) -> None:
        stmt = insert(marks).values(appointment_id=appointment_id, closed=how)
        await self.conn.execute(stmt.on_conflict_do_update(
            index_elements=[marks.c.appointment_id],
            set_={"closed": sa.func.coalesce(marks.c.closed, stmt.excluded.closed),
                  "updated_at": sa.func.now()}))

    async def moved(self, appointment_id: uuid.UUID, old_start: datetime) -> None:
        stmt = insert(marks).values(appointment_id=appointment_id, moved_from=[old_start])
        await self.conn.execute(stmt.on_conflict_do_update(
            index_elements=[marks.c.appointment_id],
            set_={"moved_from": sa.func.array_append(marks.c.moved_from, old_start),
                  "updated_at": sa.func.now()},
            where=sa.not_(sa.literal(old_start, sa.DateTime(timezone=True))
                          == sa.any_(marks.c.moved_from))))
