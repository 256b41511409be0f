"""The directory (doctors and patients from auth; slot lengths and visit averages) in Postgres."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, UUID, insert
from sqlalchemy.ext.asyncio import AsyncConnection

from hms_queue.adapters.orm import SCHEMA, people
from hms_queue.domain.directory import Person

PERSON = ("id", "role", "room", "active", "slot_minutes", "service_seconds", "full_name")
# Built once, with the ids as one array parameter (an expanding IN is re-rendered each time).
_NAMES = sa.select(people.c.id, people.c.full_name).where(
    people.c.id == sa.any_(sa.bindparam("ids", type_=ARRAY(UUID(as_uuid=True)))),
    people.c.full_name.is_not(None))
# A slot length: the same lock as ``get(for_update=True)``, taken by the row source before
# the row is written (the other writers read then write the whole row under that lock, so
# this waits for them instead of slipping in between), and no new row version when the length
# is already known.
_SLOT = sa.text(f"""
INSERT INTO {SCHEMA}.people (id, slot_minutes)
SELECT CAST(:id AS uuid), CAST(:minutes AS integer)
FROM (SELECT pg_advisory_xact_lock(hashtext('queue.people'),
                                   hashtext(CAST(CAST(:id AS uuid) AS text)))) AS locked
ON CONFLICT (id) DO UPDATE SET slot_minutes = EXCLUDED.slot_minutes, updated_at = now()
WHERE people.slot_minutes IS DISTINCT FROM EXCLUDED.slot_minutes""")


class SqlDirectoryRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def get(self, person_id: uuid.UUID, *, for_update: bool = False) -> Person | None:
        """``for_update`` serialises every writer of this id until the transaction ends, also
        when no row exists yet (which a row lock could not cover)."""
        if for_update:
            await self.conn.execute(sa.select(sa.func.pg_advisory_xact_lock(
                sa.func.hashtext("queue.people"), sa.func.hashtext(str(person_id)))))
        query = sa.select(*(people.c[n] for n in PERSON)).where(people.c.id == person_id)
        row = (await self.conn.execute(query)).first()
        return Person(**row._mapping) if row else None

    async def names(self, person_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
        ids = list(set(person_ids))
        if not ids:
            return {}
        return {row.id: row.full_name for row in await self.conn.execute(_NAMES, {"ids": ids})}

    async def save(self, person: Person) -> None:
        values = {name: getattr(person, name) for name in PERSON}
        statement = insert(people).values(values)
        await self.conn.execute(statement.on_conflict_do_update(
            index_elements=[people.c.id],
            set_={**{k: statement.excluded[k] for k in PERSON if k != "id"},
                  "updated_at": sa.func.now()}))

    async def set_slot_minutes(self, doctor_id: uuid.UUID, minutes: int) -> None:
        await self.conn.execute(_SLOT, {"id": doctor_id, "minutes": minutes})
