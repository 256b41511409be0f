"""The directory (doctors and patients, from auth's events) in Postgres."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, UUID, insert
from sqlalchemy.ext.asyncio import AsyncConnection

from hms_appointments.adapters.orm import people
from hms_appointments.domain.actor import DOCTOR
from hms_appointments.domain.directory import Person
from hms_appointments.service_layer.ports import Page

PERSON_COLUMNS = ("id", "role", "full_name", "department", "room", "active")
# Built once, with the ids as one array parameter: an expanding IN (...) is re-rendered for
# every execution.
_GET_MANY = sa.select(*(people.c[n] for n in PERSON_COLUMNS)).where(
    people.c.id == sa.any_(sa.bindparam("ids", type_=ARRAY(UUID(as_uuid=True)))))


class SqlDirectoryRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def get(self, person_id: uuid.UUID, *, for_update: bool = False) -> Person | None:
        """``for_update`` serialises every writer of this id until the transaction ends, also
        when no row exists yet (which a row lock could not cover): two different events about
        a new user must not both start from "unknown" and overwrite each other."""
        if for_update:
            await self.conn.execute(sa.select(sa.func.pg_advisory_xact_lock(
                sa.func.hashtext("appointments.people"), sa.func.hashtext(str(person_id)))))
        query = sa.select(*(people.c[n] for n in PERSON_COLUMNS)).where(people.c.id == person_id)
        row = (await self.conn.execute(query)).first()
        return Person(**row._mapping) if row else None

    async def get_many(self, person_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Person]:
        rows = await self.conn.execute(_GET_MANY, {"ids": list(person_ids)})
        return {row.id: Person(**row._mapping) for row in rows}

    async def save(self, person: Person) -> None:
        values = {name: getattr(person, name) for name in PERSON_COLUMNS}
        statement = insert(people).values(values)
        await self.conn.execute(statement.on_conflict_do_update(
            index_elements=[people.c.id],
            set_={**{k: statement.excluded[k] for k in PERSON_COLUMNS if k != "id"},
                  "updated_at": sa.func.now()}))

    async def doctors(self, include_inactive: bool, limit: int, offset: int) -> Page[Person]:
        conditions = [people.c.role == DOCTOR]
        if not include_inactive:
            conditions.append(people.c.active.is_(True))
        total = (await self.conn.execute(
            sa.select(sa.func.count()).select_from(people).where(*conditions))).scalar_one()
        rows = (await self.conn.execute(
            sa.select(*(people.c[n] for n in PERSON_COLUMNS)).where(*conditions)
            .order_by(people.c.full_name, people.c.id).limit(limit).offset(offset))).all()
        return Page([Person(**r._mapping) for r in rows], int(total), limit, offset)
