"""No-show penalties in Postgres."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from hms_appointments.adapters.orm import penalties
from hms_appointments.domain.penalty import Penalty
from hms_appointments.service_layer.ports import Page
from hms_platform.recording import Seen

_PENALTY = [c.name for c in penalties.columns]


def _penalty(row: sa.Row[Any]) -> Penalty:
    return Penalty(**row._mapping)


class SqlPenaltyRepository:
    def __init__(self, conn: AsyncConnection, seen: Seen) -> None:
        self.conn, self.seen = conn, seen  # seen: the unit of work's recorder

    async def add(self, penalty: Penalty) -> bool:
        statement = (insert(penalties).values({n: getattr(penalty, n) for n in _PENALTY})
                     .on_conflict_do_nothing(index_elements=[penalties.c.appointment_id])
                     .returning(penalties.c.id))
        if (await self.conn.execute(statement)).first() is None:
            return False
        self.seen(penalty)
        return True

    async def get(self, penalty_id: uuid.UUID, *, for_update: bool = False) -> Penalty | None:
        query = sa.select(penalties).where(penalties.c.id == penalty_id)
        row = (await self.conn.execute(query.with_for_update() if for_update else query)
               ).first()
        return _penalty(row) if row else None

    async def save(self, penalty: Penalty) -> None:
        values = {n: getattr(penalty, n) for n in _PENALTY if n != "id"}
        await self.conn.execute(
            sa.update(penalties).where(penalties.c.id == penalty.id).values(values))
        self.seen(penalty)

    async def count_active(self, patient_id: uuid.UUID, since: datetime) -> int:
        t = penalties.c
        query = sa.select(sa.func.count()).select_from(penalties).where(
            t.patient_id == patient_id, t.waived_at.is_(None), t.created_at > since)
        return int((await self.conn.execute(query)).scalar_one())

    async def search(self, patient_id: uuid.UUID | None, limit: int, offset: int) -> Page[Penalty]:
        t = penalties.c
        conditions = [t.patient_id == patient_id] if patient_id else []
        total = (await self.conn.execute(
            sa.select(sa.func.count()).select_from(penalties).where(*conditions))).scalar_one()
        rows = (await self.conn.execute(
            sa.select(penalties).where(*conditions).order_by(t.created_at.desc(), t.id)
            .limit(limit).offset(offset))).all()
        return Page([_penalty(r) for r in rows], int(total), limit, offset)
