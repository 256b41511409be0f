"""What callers ask for: commands that change state (``Command[R]``, R: what handling returns)
and queries that read it (``Query[R]``, no transaction), each with the ``roles`` that may ask
(the routes' dependencies and the handlers both read them)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import ClassVar

from hms_platform.messagebus import Command, Query
from hms_platform.roles import ADMIN, DOCTOR, PATIENT, RECEPTIONIST, ROLES, STAFF
from hms_queue.domain.actor import Actor
from hms_queue.domain.display import Display
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
    # The patients' names by id, for the doctor and staff only (GetLine); screens' snapshots
    # leave it empty. Unknown names are left out.
    names: Mapping[uuid.UUID, str] = field(default_factory=dict)
    doctor_name: str | None = None  # on screens too: doctors' names, never patients'


@dataclass(frozen=True)
class IssueTicket(Command[TicketView]):
    """A walk-in, registered by reception."""

    roles: ClassVar[frozenset[str]] = STAFF

    actor: Actor
    patient_id: uuid.UUID
    doctor_id: uuid.UUID
    urgency: int = 3
    ticket_id: uuid.UUID | None = None  # the client's own id (offline); taken: 409
    # The patient's name from auth's voucher (verified by the entrypoint): an unknown patient
    # joins the directory at once instead of waiting for auth's event.
    vouched_name: str | None = None


@dataclass(frozen=True)
class GetTicket(Query[TicketView]):
    roles: ClassVar[frozenset[str]] = ROLES

    actor: Actor
    ticket_id: uuid.UUID


@dataclass(frozen=True)
class MyTickets(Query[list[TicketView]]):
    roles: ClassVar[frozenset[str]] = frozenset({PATIENT})

    actor: Actor


@dataclass(frozen=True)
class GetLine(Query[LineView]):
    roles: ClassVar[frozenset[str]] = STAFF | {DOCTOR}

    actor: Actor
    doctor_id: uuid.UUID
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class LineSnapshot(Query[LineView]):
    """The line as streams and screens show it (numbers, statuses, room): no caller check
    beyond being signed in or holding a display link, which the entrypoint did."""


    doctor_id: uuid.UUID


@dataclass(frozen=True)
class CallNext(Command[Ticket]):
    roles: ClassVar[frozenset[str]] = frozenset({DOCTOR})

    actor: Actor
    doctor_id: uuid.UUID


@dataclass(frozen=True)
class Served:
    """A served ticket, and whether its appointment still needs completing in appointments
    (``POST /api/appointments/{id}/complete``): false for a walk-in, and once the queue has
    heard ``appointments.appointment_completed.v1``."""

    ticket: Ticket
    appointment_to_complete: bool = False


@dataclass(frozen=True)
class ServeTicket(Command[Served]):
    roles: ClassVar[frozenset[str]] = frozenset({DOCTOR})

    actor: Actor
    ticket_id: uuid.UUID
    client_updated_at: datetime | None = None  # offline: last-write-wins on status


@dataclass(frozen=True)
class MissTicket(Command[Ticket]):
    roles: ClassVar[frozenset[str]] = frozenset({DOCTOR, RECEPTIONIST})

    actor: Actor
    ticket_id: uuid.UUID
    client_updated_at: datetime | None = None  # offline: last-write-wins on status


@dataclass(frozen=True)
class UpdateTicket(Command[TicketView]):
    roles: ClassVar[frozenset[str]] = STAFF

    actor: Actor
    ticket_id: uuid.UUID
    urgency: int | None = None
    doctor_id: uuid.UUID | None = None
    client_updated_at: datetime | None = None  # offline: last-write-wins per field


@dataclass(frozen=True)
class LeaveTicket(Command[Ticket]):
    roles: ClassVar[frozenset[str]] = frozenset({PATIENT, RECEPTIONIST})

    actor: Actor
    ticket_id: uuid.UUID
    client_updated_at: datetime | None = None  # offline: last-write-wins on status


@dataclass(frozen=True)
class CreateDisplay(Command[Display]):
    """A named waiting-room display, valid until revoked."""

    roles: ClassVar[frozenset[str]] = frozenset({ADMIN})

    actor: Actor
    name: str
    doctor_ids: tuple[uuid.UUID, ...]
    max_doctors: int


@dataclass(frozen=True)
class ListDisplays(Query[list[Display]]):
    roles: ClassVar[frozenset[str]] = frozenset({ADMIN})

    actor: Actor


@dataclass(frozen=True)
class RevokeDisplay(Command[Display]):
    """The display's screens stop at once (their streams end) and its links are refused."""

    roles: ClassVar[frozenset[str]] = frozenset({ADMIN})

    actor: Actor
    display_id: uuid.UUID


@dataclass(frozen=True)
class ActiveDisplay(Query[Display | None]):
    """The display, if it exists and is not revoked: no caller check beyond holding its
    signed link, which the entrypoint verified."""


    display_id: uuid.UUID
