"""In-memory fakes of the ports for the unit tests (loaded by unit/conftest.py: in importlib
mode tests cannot import this module by name). They keep copies, as a database would, emulate
the one-active-ticket-per-patient-per-line and one-called-per-doctor indexes, and order lines
with domain.ordering by sorting (the SQL adapter must agree: integration tests compare)."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from hms_contracts.envelope import Envelope
from hms_platform.recording import Seen
from hms_platform.testing.fakes import FakeTable
from hms_platform.testing.fakes import FakeUnitOfWork as BaseFakeUnitOfWork
from hms_queue.adapters.contracts import CONTRACTS
from hms_queue.domain import errors as exc
from hms_queue.domain.directory import Person
from hms_queue.domain.display import Display
from hms_queue.domain.numbering import line_letter
from hms_queue.domain.ordering import order_key
from hms_queue.domain.ticket import HistoryEntry, Ticket
from hms_queue.service_layer import ports


def _copy(ticket: Ticket) -> Ticket:
    clone = copy.copy(ticket)
    clone.history, clone.events = [], []
    return clone


class FakeTickets:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, Ticket] = {}
        self.history: dict[uuid.UUID, list[HistoryEntry]] = {}
        self.lines: dict[tuple[uuid.UUID, date], tuple[str, int]] = {}
        self.locks: list[uuid.UUID] = []
        self.closed: set[uuid.UUID] = set()
        self.seen: Seen = lambda ticket: None  # the open unit of work's recorder
        self.people: dict[uuid.UUID, Person] = {}  # the store's directory (arrival's doctor)

    def _check(self, t: Ticket) -> None:
        for o in self.rows.values():
            if o.id == t.id:
                continue
            if (t.is_active and o.is_active and (o.doctor_id, o.clinic_day, o.patient_id)
                    == (t.doctor_id, t.clinic_day, t.patient_id)):
                raise exc.AlreadyQueued("The patient already has an active ticket in that line.")
            if t.status == o.status == "called" and o.doctor_id == t.doctor_id:
                raise exc.Conflict("The doctor already has a called ticket.")

    async def add(self, ticket: Ticket) -> None:
        await self.save(ticket)

    async def save(self, ticket: Ticket) -> None:
        self._check(ticket)
        self.history[ticket.id] = [*self.history.get(ticket.id, []), *ticket.history]
        ticket.history = []
        self.rows[ticket.id] = _copy(ticket)
        self.seen(ticket)

    async def get(self, ticket_id: uuid.UUID, *, for_update: bool = False) -> Ticket | None:
        row = self.rows.get(ticket_id)
        return _copy(row) if row else None

    async def by_appointment(self, appointment_id: uuid.UUID) -> Ticket | None:
        return next((_copy(t) for t in self.rows.values()
                     if t.appointment_id == appointment_id), None)

    async def close_appointment(self, appointment_id: uuid.UUID, reason: str,
                                at: datetime) -> None:
        self.closed.add(appointment_id)

    async def appointment_closed(self, appointment_id: uuid.UUID) -> bool:
        return appointment_id in self.closed

    async def called(self, doctor_id: uuid.UUID) -> Ticket | None:
        return next((_copy(t) for t in self.rows.values()
                     if t.doctor_id == doctor_id and t.status == "called"), None)

    async def active_for_patient(self, patient_id: uuid.UUID) -> list[Ticket]:
        return [_copy(t) for t in sorted(self.rows.values(), key=lambda t: t.arrived_at)
                if t.patient_id == patient_id and t.is_active]

    async def arrival(self, appointment_id: uuid.UUID, patient_id: uuid.UUID,
                      doctor_id: uuid.UUID, day: date) -> ports.Arrival:
        called = await self.called(doctor_id)
        return ports.Arrival(
            await self.by_appointment(appointment_id) is not None,
            await self.appointment_closed(appointment_id),
            any(t.doctor_id == doctor_id and t.clinic_day == day
                for t in await self.active_for_patient(patient_id)),
            copy.copy(p) if (p := dict.get(self.people, doctor_id)) else None,
            called.called_at if called else None)

    async def lock_line(self, doctor_id: uuid.UUID) -> None:
        self.locks.append(doctor_id)

    async def next_number(self, doctor_id: uuid.UUID, day: date) -> tuple[str, int]:
        opened = sum(1 for (_, d) in self.lines if d == day)
        letter, last = self.lines.get((doctor_id, day), (line_letter(opened), 0))
        self.lines[(doctor_id, day)] = (letter, last + 1)
        return letter, last + 1

    def _sorted(self, doctor_id: uuid.UUID, day: date, now: datetime, aging: int) -> list[Ticket]:
        line = [t for t in self.rows.values() if t.doctor_id == doctor_id
                and t.clinic_day == day and t.status == "waiting"]
        return sorted(line, key=lambda t: order_key(t.urgency, t.queued_at, t.id, now, aging))

    async def in_order(self, doctor_id: uuid.UUID, day: date, now: datetime, aging: int,
                       limit: int, offset: int = 0) -> list[Ticket]:
        return [_copy(t) for t in self._sorted(doctor_id, day, now, aging)[offset:offset + limit]]

    async def people_ahead(self, ticket: Ticket, now: datetime, aging: int) -> int:
        ids = [t.id for t in self._sorted(ticket.doctor_id, ticket.clinic_day, now, aging)]
        return ids.index(ticket.id)

    async def add_in_line(self, ticket: Ticket, now: datetime, aging: int,
                          limit: int) -> tuple[int, list[Ticket]]:
        await self.add(ticket)
        return (await self.people_ahead(ticket, now, aging),
                await self.in_order(ticket.doctor_id, ticket.clinic_day, now, aging, limit))

    async def count_waiting(self, doctor_id: uuid.UUID, day: date) -> int:
        return sum(1 for t in self.rows.values() if t.doctor_id == doctor_id
                   and t.clinic_day == day and t.status == "waiting")


class FakePeople(FakeTable[Person]):
    async def set_slot_minutes(self, doctor_id: uuid.UUID, minutes: int) -> None:
        doctor = await self.get(doctor_id, for_update=True) or Person(doctor_id, None)
        doctor.slot_minutes = minutes
        await self.save(doctor)

    async def names(self, person_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
        return {i: p.full_name for i in person_ids
                if (p := dict.get(self, i)) is not None and p.full_name is not None}


class FakeDisplays(FakeTable[Display]):
    async def all(self) -> list[Display]:
        return [copy.copy(d) for d in sorted(self.values(), key=lambda d: (d.created_at, d.id))]


class FakeStore:
    def __init__(self) -> None:
        self.tickets = FakeTickets()
        self.people = FakePeople()
        self.tickets.people = self.people
        self.displays = FakeDisplays()
        self.published: list[Envelope] = []
        self.changed_lines: list[uuid.UUID] = []


class FakeUnitOfWork(BaseFakeUnitOfWork):
    """Also collects the lines a change touches: ``store.changed_lines`` on commit."""

    def __init__(self, store: FakeStore) -> None:
        super().__init__(store, CONTRACTS)
        self.tickets, self.people, self.displays = store.tickets, store.people, store.displays
        self.changed: set[uuid.UUID] = set()

    def tables(self) -> Sequence[dict[Any, Any]]:
        t = self.tickets
        return t.rows, t.history, t.lines, self.people, self.displays

    def recording(self) -> Sequence[Any]:
        return (self.tickets,)

    def line_changed(self, doctor_id: uuid.UUID) -> None:
        self.changed.add(doctor_id)

    async def commit(self) -> None:
        self.store.changed_lines.extend(sorted(self.changed))
        self.changed = set()
        await super().commit()

    async def rollback(self) -> None:
        self.changed = set()
        await super().rollback()


if TYPE_CHECKING:  # `make lint` type-checks this: a fake that drifts from its port fails here.
    def _fits_the_ports(store: FakeStore) -> None:
        _uow: ports.UnitOfWork = FakeUnitOfWork(store)
        _tickets: ports.TicketRepository = store.tickets
        _people: ports.DirectoryRepository = store.people
        _displays: ports.DisplayRepository = store.displays
