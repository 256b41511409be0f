"""Read-model rows, loaded locked and saved whole: the domain's merge runs between the two.
(A consumed event's row is created or locked with the event itself: adapters.store.)"""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from hms_reporting.adapters import orm
from hms_reporting.domain.rows import (
    AppointmentRow,
    NotificationRow,
    PenaltyRow,
    PersonRow,
    Row,
    TicketRow,
)

TABLE_OF: dict[type[Any], sa.Table] = {
    AppointmentRow: orm.appointments, TicketRow: orm.tickets, PenaltyRow: orm.penalties,
    NotificationRow: orm.notifications, PersonRow: orm.people,
}


def _key(table: sa.Table) -> sa.Column[Any]:
    return next(iter(table.primary_key.columns))


# A row class's fields (its table's columns), in order, and its key.
FIELDS: dict[type[Any], tuple[str, ...]] = {
    cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in TABLE_OF}
KEY: dict[type[Any], str] = {cls: _key(table).name for cls, table in TABLE_OF.items()}


def _update(cls: type[Any]) -> sa.TextClause:
    """UPDATE of a whole row by its key, built once (not per event)."""
    table, key = TABLE_OF[cls], KEY[cls]
    rest = [n for n in FIELDS[cls] if n != key]
    assignments = ", ".join(f'"{n}" = :{n}' for n in rest)
    return sa.text(
        f'UPDATE {orm.SCHEMA}.{table.name} SET {assignments} WHERE "{key}" = :{key}').bindparams(
        *(sa.bindparam(n, type_=table.c[n].type) for n in (key, *rest)))


UPDATE = {cls: _update(cls) for cls in TABLE_OF}


class SqlReadModels:
    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def load(self, cls: type[Row], key: Any) -> Row:
        """The row, locked for this transaction (created empty if new: two facts about a new
        thing, handled at once, then wait for each other instead of both inserting). For the
        consumer, whose event statement found the row made meanwhile by another (store.py)."""
        table = TABLE_OF[cls]
        column = _key(table)
        await self.connection.execute(
            insert(table).values({column.name: key}).on_conflict_do_nothing())
        found = (await self.connection.execute(
            sa.select(table).where(column == key).with_for_update())).mappings().one()
        return cls(**dict(found))

    async def save(self, row: Row) -> None:
        await self.connection.execute(UPDATE[type(row)], dict(vars(row)))

    async def load_many(self, cls: type[Row], keys: list[Any]) -> dict[Any, Row]:
        """The rows there are of ``keys`` (for a replay, which holds the tables alone)."""
        table = TABLE_OF[cls]
        column = _key(table)
        found = await self.connection.execute(sa.select(table).where(column.in_(keys)))
        return {row[column.name]: cls(**dict(row)) for row in found.mappings()}

    async def save_many(self, rows: list[Row], chunk: int = 1000) -> None:
        """Insert or replace whole rows, a chunk per statement (rows of one class)."""
        if not rows:
            return
        table = TABLE_OF[type(rows[0])]
        column = _key(table)
        for start in range(0, len(rows), chunk):
            statement = insert(table).values(
                [dataclasses.asdict(r) for r in rows[start:start + chunk]])
            await self.connection.execute(statement.on_conflict_do_update(
                index_elements=[column],
                set_={c.name: statement.excluded[c.name] for c in table.columns
                      if c is not column}))

    async def roles(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
        if not ids:
            return {}
        people = orm.people
        rows = await self.connection.execute(
            sa.select(people.c.user_id, people.c.role).where(people.c.user_id.in_(ids),
                                                             people.c.role.is_not(None)))
        return {user_id: role for user_id, role in rows}

    async def empty(self) -> None:
        """Before a replay: every read model emptied (never the audit log)."""
        names = ", ".join(f"{orm.SCHEMA}.{t.name}" for t in orm.READ_MODELS)
        await self.connection.execute(sa.text(f"TRUNCATE {names}"))
