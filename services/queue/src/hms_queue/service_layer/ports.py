"""The ports the handlers depend on: repositories and the unit of work (SQL adapters in
``adapters/``, in-memory fakes in the unit tests)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from hms_platform.ports import PublishingUnitOfWork
from hms_queue.domain.directory import Person
from hms_queue.domain.display import Display
from hms_queue.domain.ticket import Ticket


@dataclass(frozen=True)
class Arrival:
    """What a check-in needs to know, read at once under the line's lock: whether the
    appointment has a ticket, whether it ended before, whether the patient already waits in
    the line that day, the doctor (None: not known yet) and when their visit in progress began
    (for the wait estimate)."""

    ticketed: bool
    closed: bool
    in_line: bool
    doctor: Person | None
    called_at: datetime | None


class TicketRepository(Protocol):
    async def add(self, ticket: Ticket) -> None:
        """Insert; AlreadyQueued when the patient holds an active ticket in that line."""

    async def get(self, ticket_id: uuid.UUID, *, for_update: bool = False) -> Ticket | None: ...

    async def save(self, ticket: Ticket) -> None:
        """Update, and store its new history entries; AlreadyQueued as for ``add``."""

    async def by_appointment(self, appointment_id: uuid.UUID) -> Ticket | None: ...

    async def close_appointment(self, appointment_id: uuid.UUID, reason: str,
                                at: datetime) -> None:
        """Remember that the appointment ended (cancelled, missed) before any check-in."""

    async def appointment_closed(self, appointment_id: uuid.UUID) -> bool: ...

    async def active_for_patient(self, patient_id: uuid.UUID) -> list[Ticket]: ...

    async def arrival(self, appointment_id: uuid.UUID, patient_id: uuid.UUID,
                      doctor_id: uuid.UUID, day: date) -> Arrival:
        """One read instead of five, for a check-in (``on_patient_checked_in``)."""

    async def next_number(self, doctor_id: uuid.UUID, day: date) -> tuple[str, int]:
        """The line's letter and its next number (the line opens on its first ticket)."""

    async def lock_line(self, doctor_id: uuid.UUID) -> None:
        """Serialise this transaction with every other change to the doctor's lines."""

    async def called(self, doctor_id: uuid.UUID) -> Ticket | None:
        """The doctor's ticket being seen, if any."""

    async def in_order(self, doctor_id: uuid.UUID, day: date, now: datetime, aging: int,
                       limit: int, offset: int = 0) -> list[Ticket]:
        """Waiting tickets of the line in call order (domain.ordering)."""

    async def people_ahead(self, ticket: Ticket, now: datetime, aging: int) -> int: ...

    async def add_in_line(self, ticket: Ticket, now: datetime, aging: int,
                          limit: int) -> tuple[int, list[Ticket]]:
        """``add``, then the people ahead of the ticket and its line's first ``limit`` in call
        order (``people_ahead`` and ``in_order``), and the line's live views told (the caller
        still says ``UnitOfWork.line_changed``): one round trip in SQL."""

    async def count_waiting(self, doctor_id: uuid.UUID, day: date) -> int: ...


class DirectoryRepository(Protocol):
    async def get(self, person_id: uuid.UUID, *, for_update: bool = False) -> Person | None: ...

    async def names(self, person_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
        """The names known of these people, in one query (the unknown ones are left out)."""

    async def save(self, person: Person) -> None:
        """Insert or update."""

    async def set_slot_minutes(self, doctor_id: uuid.UUID, minutes: int) -> None:
        """The doctor's slot length, inserting a blank entry when unknown: one write,
        serialised with every ``get(for_update=True)`` of that id as theirs are."""


class DisplayRepository(Protocol):
    async def get(self, display_id: uuid.UUID, *,
                  for_update: bool = False) -> Display | None: ...

    async def all(self) -> list[Display]:
        """Every named display, revoked ones included, oldest first."""

    async def save(self, display: Display) -> None:
        """Insert or update."""


class UnitOfWork(PublishingUnitOfWork, Protocol):
    @property
    def tickets(self) -> TicketRepository: ...

    @property
    def people(self) -> DirectoryRepository: ...

    @property
    def displays(self) -> DisplayRepository: ...

    def line_changed(self, doctor_id: uuid.UUID) -> None:
        """Tell live views of the doctor's line, once this unit of work commits."""
