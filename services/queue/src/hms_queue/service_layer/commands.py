"""What callers ask for: commands that change state and queries that read it, each a
``Command[R]`` (R: what handling returns) with the ``roles`` that may ask (the routes'
dependencies and the handlers both read them)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from hms_platform.messagebus import Command
from hms_platform.roles import DOCTOR, PATIENT, RECEPTIONIST, ROLES, STAFF
from hms_queue.domain.actor import Actor
from hms_queue.domain.ticket import Ticket


@dataclass(frozen=True)
class TicketView:
    """A ticket and, while it waits, where it stands."""

    ticket: Ticket
    position: int | None = None  # 1: next to be called
    people_ahead: int | None = None
    eta_minutes: int | None = None


@dataclass(frozen=True)
class LineView:
    doctor_id: uuid.UUID
    day: date
    room: str | None
    called: Ticket | None
    waiting: list[TicketView]
    total_waiting: int


@dataclass(frozen=True)
class IssueTicket(Command[TicketView]):
    """A walk-in, registered by reception."""

    roles: ClassVar[frozenset[str]] = STAFF

    actor: Actor
    patient_id: uuid.UUID
    doctor_id: uuid.UUID
    urgency: int = 3


@dataclass(frozen=True)
class GetTicket(Command[TicketView]):
    read_only: ClassVar[bool] = True
    roles: ClassVar[frozenset[str]] = ROLES

    actor: Actor
    ticket_id: uuid.UUID


@dataclass(frozen=True)
class MyTickets(Command[list[TicketView]]):
    read_only: ClassVar[bool] = True
    roles: ClassVar[frozenset[str]] = frozenset({PATIENT})

    actor: Actor


@dataclass(frozen=True)
class GetLine(Command[LineView]):
    read_only: ClassVar[bool] = True
    roles: ClassVar[frozenset[str]] = STAFF | {DOCTOR}

    actor: Actor
    doctor_id: uuid.UUID
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class LineSnapshot(Command[LineView]):
    """The line as streams and screens show it (numbers, statuses, room): no caller check
    beyond being signed in or holding a display link, which the entrypoint did."""

    read_only: ClassVar[bool] = True

    doctor_id: uuid.UUID


@dataclass(frozen=True)
class CallNext(Command[Ticket]):
    roles: ClassVar[frozenset[str]] = frozenset({DOCTOR})

    actor: Actor
    doctor_id: uuid.UUID


@dataclass(frozen=True)
class ServeTicket(Command[Ticket]):
    roles: ClassVar[frozenset[str]] = frozenset({DOCTOR})

    actor: Actor
    ticket_id: uuid.UUID


@dataclass(frozen=True)
class MissTicket(Command[Ticket]):
    roles: ClassVar[frozenset[str]] = frozenset({DOCTOR, RECEPTIONIST})

    actor: Actor
    ticket_id: uuid.UUID


@dataclass(frozen=True)
class UpdateTicket(Command[TicketView]):
    roles: ClassVar[frozenset[str]] = STAFF

    actor: Actor
    ticket_id: uuid.UUID
    urgency: int | None = None
    doctor_id: uuid.UUID | None = None


@dataclass(frozen=True)
class LeaveTicket(Command[Ticket]):
    roles: ClassVar[frozenset[str]] = frozenset({PATIENT, RECEPTIONIST})

    actor: Actor
    ticket_id: uuid.UUID
