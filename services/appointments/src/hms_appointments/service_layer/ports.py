"""The ports the handlers depend on: repositories and the unit of work (SQL adapters in
``adapters/``, in-memory fakes in the unit tests)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, Protocol, Self, TypeVar

from hms_appointments.domain.appointment import Appointment, Status
from hms_appointments.domain.directory import Person
from hms_appointments.domain.penalty import Penalty
from hms_appointments.domain.schedule import Schedule
from hms_platform.ports import PublishingUnitOfWork

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int
    # The names of the people the items name that the caller may see, by id (read in the
    # same transaction as the items).
    names: Mapping[uuid.UUID, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AppointmentFilter:
    patient_id: uuid.UUID | None = None
    doctor_id: uuid.UUID | None = None
    status: Status | None = None
    start_from: datetime | None = None  # inclusive
    start_to: datetime | None = None  # exclusive


class AppointmentRepository(Protocol):
    async def add(self, appointment: Appointment) -> None:
        """Insert; SlotTaken / PatientBusy when it overlaps an active appointment,
        SameDoctorSameDay when the patient already has that doctor on that clinic day."""

    async def get(
        self, appointment_id: uuid.UUID, *, for_update: bool = False
    ) -> Appointment | None: ...

    async def save(self, appointment: Appointment) -> None:
        """Update; SlotTaken / PatientBusy / SameDoctorSameDay as for ``add``."""

    async def search(self, where: AppointmentFilter, limit: int, offset: int) -> Page[Appointment]:
        """A page of the matches in start order, their total, and in ``names`` the full names
        of the items' patients and doctors that the directory knows (read with the page: one
        round trip). Whom the caller may see is the handler's to decide."""

    async def lock_patient(self, patient_id: uuid.UUID) -> None:
        """Serialise this transaction with every other that took the same patient's lock
        (until commit or rollback), so that a count made after it stays true."""

    async def count_active_after(self, patient_id: uuid.UUID, after: datetime) -> int:
        """The patient's active (booked or checked-in) appointments starting after ``after``."""

    async def self_cancelled_since(self, patient_id: uuid.UUID, since: datetime) -> list[datetime]:
        """When the patient cancelled their own appointments (not staff's cancellations of
        them), after ``since``, oldest first."""

    async def busy_between(
        self, doctor_id: uuid.UUID, start: datetime, end: datetime
    ) -> list[tuple[datetime, datetime]]:
        """The doctor's active appointments overlapping [start, end)."""

    async def claim_overdue(self, cutoff: datetime, limit: int) -> list[Appointment]:
        """Booked appointments that started at or before ``cutoff``, locked for this
        transaction; rows another transaction holds are skipped, not waited for."""


class ScheduleRepository(Protocol):
    async def get(self, doctor_id: uuid.UUID) -> Schedule | None: ...

    async def save(self, schedule: Schedule) -> None: ...


class DirectoryRepository(Protocol):
    async def get(self, person_id: uuid.UUID, *, for_update: bool = False) -> Person | None: ...

    async def get_many(self, person_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Person]:
        """The ones known, by id, in one query."""

    async def save(self, person: Person) -> None:
        """Insert or update."""

    async def doctors(self, include_inactive: bool, limit: int, offset: int) -> Page[Person]: ...


class PenaltyRepository(Protocol):
    async def add(self, penalty: Penalty) -> bool:
        """Insert unless the appointment already has a penalty; True if inserted."""

    async def get(self, penalty_id: uuid.UUID, *, for_update: bool = False) -> Penalty | None: ...

    async def save(self, penalty: Penalty) -> None: ...

    async def count_active(self, patient_id: uuid.UUID, since: datetime) -> int:
        """Penalties not waived, created after ``since``."""

    async def search(self, patient_id: uuid.UUID | None, limit: int, offset: int) -> Page[Penalty]:
        ...


@dataclass(frozen=True)
class BookingReads:
    """What a booking reads before it counts: the doctor and the patient (those the directory
    knows, by id) and the doctor's schedule (None: no hours yet)."""

    people: Mapping[uuid.UUID, Person]
    schedule: Schedule | None


class BookingRepository(Protocol):
    async def lock_and_read(self, patient_id: uuid.UUID, doctor_id: uuid.UUID) -> BookingReads:
        """The patient's lock (``AppointmentRepository.lock_patient``: held until the
        transaction ends, so a count made after this call stays true), the doctor and the
        patient from the directory and the doctor's schedule, in one round trip."""
        ...


class UnitOfWork(PublishingUnitOfWork, Protocol):
    # Read-only members, so that an implementation may hold more specific repositories.
    @property
    def booking(self) -> BookingRepository: ...

    @property
    def appointments(self) -> AppointmentRepository: ...

    @property
    def schedules(self) -> ScheduleRepository: ...

    @property
    def people(self) -> DirectoryRepository: ...

    @property
    def penalties(self) -> PenaltyRepository: ...

    def writable(self) -> Self:
        """After a query's read-only block, the same unit of work able to commit events."""
        ...
