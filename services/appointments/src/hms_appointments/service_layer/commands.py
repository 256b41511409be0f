"""What callers ask for: commands that change state (``Command[R]``, R: what handling returns)
and queries that read it (``Query[R]``, no transaction), each with the ``roles`` that may ask
(the routes' dependencies and the handlers both read them)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar

from hms_appointments.domain.actor import Actor
from hms_appointments.domain.appointment import Appointment, Status
from hms_appointments.domain.directory import Person
from hms_appointments.domain.penalty import Penalty
from hms_appointments.domain.schedule import Schedule, Slot, TimeOff, WeeklyHours
from hms_appointments.service_layer.ports import Page
from hms_platform.messagebus import Command, Query
from hms_platform.roles import ADMIN, DOCTOR, PATIENT, RECEPTIONIST, ROLES, STAFF

BOOKERS = frozenset({PATIENT, RECEPTIONIST, ADMIN})  # book, move and cancel appointments


@dataclass(frozen=True)
class PenaltyView:
    """A penalty and whether it counts towards the self-booking limit now."""

    penalty: Penalty
    active: bool


@dataclass(frozen=True)
class SlotView:
    """A slot of a doctor's day and whether it can still be booked."""

    slot: Slot
    available: bool


@dataclass(frozen=True)
class SetSchedule(Command[Schedule]):
    roles: ClassVar[frozenset[str]] = frozenset({ADMIN, DOCTOR})

    actor: Actor
    doctor_id: uuid.UUID
    slot_minutes: int
    weekly: tuple[WeeklyHours, ...]
    time_off: tuple[TimeOff, ...] = ()


@dataclass(frozen=True)
class GetSchedule(Query[Schedule]):
    """A doctor's weekly hours and time off: the desk, admins, and that doctor."""

    roles: ClassVar[frozenset[str]] = frozenset({ADMIN, RECEPTIONIST, DOCTOR})

    actor: Actor
    doctor_id: uuid.UUID


@dataclass(frozen=True)
class ListDoctors(Query[Page[Person]]):
    roles: ClassVar[frozenset[str]] = ROLES

    include_inactive: bool = False
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class GetSlots(Query[list[SlotView]]):
    roles: ClassVar[frozenset[str]] = ROLES

    doctor_id: uuid.UUID
    day: date


@dataclass(frozen=True)
class BookAppointment(Command[Appointment]):
    roles: ClassVar[frozenset[str]] = BOOKERS

    actor: Actor
    doctor_id: uuid.UUID
    start: datetime
    patient_id: uuid.UUID | None = None
    urgency: int | None = None  # None: routine (3); set only by staff
    reason: str | None = None
    override_reason: str | None = None  # staff only: why to book past the patient's cap
    appointment_id: uuid.UUID | None = None  # the client's own id (offline); taken: 409


@dataclass(frozen=True)
class RescheduleAppointment(Command[Appointment]):
    roles: ClassVar[frozenset[str]] = BOOKERS

    actor: Actor
    appointment_id: uuid.UUID
    start: datetime
    client_updated_at: datetime | None = None  # offline: last-write-wins on start


@dataclass(frozen=True)
class CancelAppointment(Command[Appointment]):
    roles: ClassVar[frozenset[str]] = BOOKERS

    actor: Actor
    appointment_id: uuid.UUID
    reason: str | None = None
    client_updated_at: datetime | None = None  # offline: last-write-wins on status


@dataclass(frozen=True)
class CheckIn(Command[Appointment]):
    roles: ClassVar[frozenset[str]] = STAFF

    actor: Actor
    appointment_id: uuid.UUID
    client_updated_at: datetime | None = None  # offline: last-write-wins on status


@dataclass(frozen=True)
class CompleteAppointment(Command[Appointment]):
    roles: ClassVar[frozenset[str]] = frozenset({DOCTOR})

    actor: Actor
    appointment_id: uuid.UUID
    diagnosis: str
    treatment: str


@dataclass(frozen=True)
class MarkNoShow(Command[Appointment]):
    roles: ClassVar[frozenset[str]] = STAFF

    actor: Actor
    appointment_id: uuid.UUID


@dataclass(frozen=True)
class MarkNoShows(Command[int]):
    """The scheduler's sweep: every overdue booked appointment, in batches."""

    batch_size: int = 100


@dataclass(frozen=True)
class GetAppointment(Query[Appointment]):
    roles: ClassVar[frozenset[str]] = ROLES

    actor: Actor
    appointment_id: uuid.UUID


@dataclass(frozen=True)
class ListAppointments(Query[Page[Appointment]]):
    roles: ClassVar[frozenset[str]] = ROLES

    actor: Actor
    patient_id: uuid.UUID | None = None
    doctor_id: uuid.UUID | None = None
    day: date | None = None
    status: Status | None = None
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class NamePeople(Query[dict[uuid.UUID, str]]):
    """The names of the patients and doctors of these appointments, for showing them beside
    the ids; only of the appointments the caller may see (a patient: their own doctor and
    themselves, never another patient). Unknown names (no event from auth yet) are left out."""

    roles: ClassVar[frozenset[str]] = ROLES

    actor: Actor
    appointments: tuple[Appointment, ...]


@dataclass(frozen=True)
class ListPenalties(Query[Page[PenaltyView]]):
    roles: ClassVar[frozenset[str]] = frozenset({PATIENT, RECEPTIONIST, ADMIN})

    actor: Actor
    patient_id: uuid.UUID | None = None
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class WaivePenalty(Command[PenaltyView]):
    roles: ClassVar[frozenset[str]] = frozenset({ADMIN})

    actor: Actor
    penalty_id: uuid.UUID
    reason: str
