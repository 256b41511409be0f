"""Tickets in Postgres: every query on the tickets, lines and history tables lives here. The
call order is computed in SQL from ``domain.ordering``'s rule, over the per-level index."""

from __future__ import annotations

import copy
import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from hms_platform.recording import Seen
from hms_queue.adapters.directory import PERSON
from hms_queue.adapters.orm import (
    ACTIVE,
    ONE_ACTIVE_PER_PATIENT,
    ONE_CALLED_PER_DOCTOR,
    closed_appointments,
    lines,
    tickets,
)
from hms_queue.adapters.ticket_sql import (
    ADD,
    ADD_IN_LINE,
    ARRIVAL,
    BUMP,
    FIELDS,
    IN_ORDER,
    LOCK_LINE,
    SAVE,
    place_params,
    write_params,
)
from hms_queue.domain import errors as exc
from hms_queue.domain.directory import Person
from hms_queue.domain.numbering import line_letter
from hms_queue.domain.ordering import ALL, LEVELS, NONE, ahead_bound, order_key
from hms_queue.domain.ticket import Ticket
from hms_queue.service_layer.ports import Arrival

_FIELDS = FIELDS
_IN_ORDER = IN_ORDER  # (the scale test explains its plan)


def _ticket(row: Any) -> Ticket:
    return Ticket(**{name: row._mapping[name] for name in _FIELDS})


def _stored(ticket: Ticket) -> Ticket:
    """``ticket`` as a read of its row would give it: its own copy, no history, no events."""
    return Ticket(**{name: copy.deepcopy(getattr(ticket, name)) for name in _FIELDS})


def _constraint(error: IntegrityError) -> Exception:
    name = getattr(getattr(error.orig, "__cause__", None), "constraint_name", None)
    if name == ONE_ACTIVE_PER_PATIENT:
        return exc.AlreadyQueued("The patient already has an active ticket in that line.")
    if name == ONE_CALLED_PER_DOCTOR:
        return exc.Conflict("The doctor already has a called ticket.")
    return exc.Conflict("The ticket clashes with another one.")


class SqlTicketRepository:
    def __init__(self, conn: AsyncConnection, seen: Seen,
                 notified: set[uuid.UUID] | None = None) -> None:
        self.conn, self.seen = conn, seen  # seen: the unit of work's recorder
        # the lines whose NOTIFY a statement here sent already (the unit of work's commit
        # sends the others')
        self.notified = set[uuid.UUID]() if notified is None else notified

    async def _write(self, statement: sa.TextClause, ticket: Ticket,
                     more: dict[str, Any] | None = None) -> list[Any]:
        """The ticket and its new history entries: one statement (``ticket_sql``)."""
        try:
            rows = await self.conn.execute(statement, {**write_params(ticket), **(more or {})})
            found = list(rows.all()) if rows.returns_rows else []
        except IntegrityError as error:
            raise _constraint(error) from error
        self.seen(ticket)
        ticket.history = []
        return found

    async def add(self, ticket: Ticket) -> None:
        await self._write(ADD, ticket)

    async def save(self, ticket: Ticket) -> None:
        await self._write(SAVE, ticket)

    async def _one(self, *where: Any, for_update: bool = False) -> Ticket | None:
        query = sa.select(tickets).where(*where)
        row = (await self.conn.execute(query.with_for_update() if for_update
                                          else query)).first()
        return _ticket(row) if row else None

    async def get(self, ticket_id: uuid.UUID, *, for_update: bool = False) -> Ticket | None:
        return await self._one(tickets.c.id == ticket_id, for_update=for_update)

    async def by_appointment(self, appointment_id: uuid.UUID) -> Ticket | None:
        return await self._one(tickets.c.appointment_id == appointment_id)

    async def close_appointment(self, appointment_id: uuid.UUID, reason: str,
                                at: datetime) -> None:
        await self.conn.execute(insert(closed_appointments).values(
            appointment_id=appointment_id, reason=reason, at=at).on_conflict_do_nothing())

    async def appointment_closed(self, appointment_id: uuid.UUID) -> bool:
        found = await self.conn.execute(sa.select(closed_appointments.c.appointment_id).where(
            closed_appointments.c.appointment_id == appointment_id))
        return found.first() is not None

    async def called(self, doctor_id: uuid.UUID) -> Ticket | None:
        return await self._one(tickets.c.doctor_id == doctor_id, tickets.c.status == "called")

    async def active_for_patient(self, patient_id: uuid.UUID) -> list[Ticket]:
        rows = await self.conn.execute(sa.select(tickets).where(
            tickets.c.patient_id == patient_id, sa.text(ACTIVE)).order_by(tickets.c.arrived_at))
        return [_ticket(r) for r in rows]

    async def arrival(self, appointment_id: uuid.UUID, patient_id: uuid.UUID,
                      doctor_id: uuid.UUID, day: date) -> Arrival:
        row = (await self.conn.execute(ARRIVAL, {
            "appointment": appointment_id, "patient": patient_id, "doctor": doctor_id,
            "day": day})).one()
        doctor = (Person(**{name: row._mapping[name] for name in PERSON})
                  if row.id is not None else None)
        return Arrival(row.ticketed, row.closed, row.in_line, doctor, row.called_at)

    async def lock_line(self, doctor_id: uuid.UUID) -> None:
        await self.conn.execute(LOCK_LINE, {"line": str(doctor_id)})

    async def next_number(self, doctor_id: uuid.UUID, day: date) -> tuple[str, int]:
        row = (await self.conn.execute(BUMP, {"doctor": doctor_id, "day": day})).first()
        if row is None:  # the line's first ticket today: its letter is the day's next one
            await self.conn.execute(sa.select(sa.func.pg_advisory_xact_lock(
                sa.func.hashtext("queue.letters"), sa.func.hashtext(day.isoformat()))))
            opened = (await self.conn.execute(sa.select(sa.func.count()).select_from(lines)
                                                 .where(lines.c.clinic_day == day))).scalar_one()
            letter = line_letter(int(opened))
            await self.conn.execute(sa.insert(lines).values(
                doctor_id=doctor_id, clinic_day=day, letter=letter, last_number=1))
            return letter, 1
        return row.letter, row.last_number

    async def in_order(self, doctor_id: uuid.UUID, day: date, now: datetime, aging: int,
                       limit: int, offset: int = 0) -> list[Ticket]:
        rows = await self.conn.execute(_IN_ORDER, {
            "doctor": doctor_id, "day": day, "now": now, "aging": aging,
            "per_level": limit + offset, "limit": limit, "offset": offset})
        return [_ticket(r) for r in rows]

    async def add_in_line(self, ticket: Ticket, now: datetime, aging: int,
                          limit: int) -> tuple[int, list[Ticket]]:
        """One statement (``ADD_IN_LINE``) that reads the line as it was before the ticket:
        the ticket goes in its first tickets where the people ahead of it say, which is
        where the call order puts it (``ordering``: one order for both)."""
        rows = await self._write(ADD_IN_LINE, ticket, place_params(ticket, now, aging, limit))
        self.notified.add(ticket.doctor_id)
        ahead = int(rows[0].ahead)
        before = [_ticket(r) for r in rows if r.id is not None]
        return ahead, [*before[:ahead], _stored(ticket), *before[ahead:]][:limit]

    async def people_ahead(self, ticket: Ticket, now: datetime, aging: int) -> int:
        query = people_ahead_query(ticket, now, aging)
        return 0 if query is None else int((await self.conn.execute(query)).scalar_one())

    async def count_waiting(self, doctor_id: uuid.UUID, day: date) -> int:
        return int((await self.conn.execute(sa.select(sa.func.count()).where(
            tickets.c.doctor_id == doctor_id, tickets.c.clinic_day == day,
            tickets.c.status == "waiting"))).scalar_one())


def people_ahead_query(ticket: Ticket, now: datetime, aging: int) -> Any:
    """Per level, the prefix of that level's FIFO order ahead of ``ticket``
    (``ordering.ahead_bound``): at most five index range counts, summed."""
    key = order_key(ticket.urgency, ticket.queued_at, ticket.id, now, aging)
    waiting = (tickets.c.doctor_id == ticket.doctor_id,
               tickets.c.clinic_day == ticket.clinic_day, tickets.c.status == "waiting")
    counts = []
    for level in LEVELS:
        bound = ahead_bound(level, key, now, aging)
        if bound == NONE:
            continue
        where = [*waiting, tickets.c.urgency == level]
        if bound != ALL:
            where.append(sa.tuple_(tickets.c.queued_at, tickets.c.id) < sa.tuple_(*bound))
        counts.append(sa.select(sa.func.count()).where(*where).scalar_subquery())
    return sa.select(sum(counts[1:], counts[0])) if counts else None
