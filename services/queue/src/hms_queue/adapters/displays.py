"""Named waiting-room displays in Postgres."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from hms_queue.adapters.orm import displays
from hms_queue.domain.display import Display

_COLUMNS = ("id", "name", "doctor_ids", "created_at", "created_by", "revoked_at", "revoked_by")


def _display(row: sa.Row) -> Display:
    values = dict(row._mapping)
    values["doctor_ids"] = tuple(values["doctor_ids"])
    return Display(**values)


class SqlDisplayRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def get(self, display_id: uuid.UUID, *, for_update: bool = False) -> Display | None:
        query = sa.select(displays).where(displays.c.id == display_id)
        row = (await self.conn.execute(query.with_for_update() if for_update else query)).first()
        return _display(row) if row else None

    async def all(self) -> list[Display]:
        rows = await self.conn.execute(sa.select(displays).order_by(displays.c.created_at,
                                                                     displays.c.id))
        return [_display(row) for row in rows]

    async def save(self, display: Display) -> None:
        values = {name: getattr(display, name) for name in _COLUMNS}
        values["doctor_ids"] = list(display.doctor_ids)
        statement = insert(displays).values(values)
        await self.conn.execute(statement.on_conflict_do_update(
            index_elements=[displays.c.id],
            set_={k: statement.excluded[k] for k in ("name", "revoked_at", "revoked_by")}))
