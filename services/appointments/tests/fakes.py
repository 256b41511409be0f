"""In-memory fakes of the ports for the unit tests (loaded by unit/conftest.py: in importlib
mode tests cannot import this module by name). They keep copies, as a database would, and
emulate the exclusion constraints, the one-per-patient-doctor-and-day index and the penalty's
UNIQUE(appointment_id), so handler tests see the same errors."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from hms_appointments.adapters.contracts import CONTRACTS
from hms_appointments.domain import errors as exc
from hms_appointments.domain.appointment import Appointment
from hms_appointments.domain.directory import Person
from hms_appointments.domain.penalty import Penalty
from hms_appointments.domain.schedule import Schedule
from hms_appointments.service_layer import ports
from hms_appointments.service_layer.ports import AppointmentFilter, Page
from hms_contracts.envelope import Envelope
from hms_platform.recording import Seen
from hms_platform.testing.fakes import FakeTable
from hms_platform.testing.fakes import FakeUnitOfWork as BaseFakeUnitOfWork

T = TypeVar("T")


def _copy(obj: T) -> T:
    return dataclasses.replace(obj, events=[])  # type: ignore[type-var]


def _unseen(aggregate: object) -> None:
    """Until a unit of work opens: a repository written outside one records nothing."""


class FakeAppointments:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, Appointment] = {}
        self.locked: list[uuid.UUID] = []  # lock_patient calls, in order
        self.people: dict[uuid.UUID, Person] = {}  # the directory (FakeStore's), for names
        self.seen: Seen = _unseen  # the open unit of work's recorder

    def _check_overlaps(self, appt: Appointment) -> None:
        for other in self.rows.values():
            if other.id == appt.id or not (other.is_active and appt.is_active):
                continue
            if other.start < appt.end and appt.start < other.end:
                if other.doctor_id == appt.doctor_id:
                    raise exc.SlotTaken("That slot is already taken.")
                if other.patient_id == appt.patient_id:
                    raise exc.PatientBusy("The patient already has an appointment then.")
            if ((other.patient_id, other.doctor_id) == (appt.patient_id, appt.doctor_id)
                    and other.clinic_day is not None and other.clinic_day == appt.clinic_day):
                raise exc.SameDoctorSameDay("The patient already has this doctor that day.")

    async def lock_patient(self, patient_id: uuid.UUID) -> None:
        self.locked.append(patient_id)

    async def count_active_after(self, patient_id: uuid.UUID, after: datetime) -> int:
        return sum(1 for a in self.rows.values()
                   if a.patient_id == patient_id and a.is_active and a.start > after)

    async def self_cancelled_since(self, patient_id: uuid.UUID, since: datetime) -> list[datetime]:
        return sorted(a.cancelled_at for a in self.rows.values()
                      if a.patient_id == patient_id and a.status == "cancelled"
                      and a.cancelled_by == patient_id and a.cancelled_at is not None
                      and a.cancelled_at > since)

    async def add(self, appt: Appointment) -> None:
        self._check_overlaps(appt)
        self.rows[appt.id] = _copy(appt)
        self.seen(appt)

    async def save(self, appt: Appointment) -> None:
        await self.add(appt)

    async def get(self, appointment_id: uuid.UUID, *,
                  for_update: bool = False) -> Appointment | None:
        row = self.rows.get(appointment_id)
        return _copy(row) if row else None

    async def search(self, where: AppointmentFilter, limit: int,
                     offset: int) -> Page[Appointment]:
        found = sorted((a for a in self.rows.values() if all((
            where.patient_id in (None, a.patient_id), where.doctor_id in (None, a.doctor_id),
            where.status in (None, a.status),
            where.start_from is None or a.start >= where.start_from,
            where.start_to is None or a.start < where.start_to))), key=lambda a: a.start)
        page = [_copy(a) for a in found[offset:offset + limit]]
        known = {i: p.full_name for a in page for i in (a.patient_id, a.doctor_id)
                 if (p := dict.get(self.people, i)) is not None and p.full_name}
        return Page(page, len(found), limit, offset, known)

    async def busy_between(self, doctor_id: uuid.UUID, start: datetime,
                           end: datetime) -> list[tuple[datetime, datetime]]:
        return [(a.start, a.end) for a in self.rows.values()
                if a.doctor_id == doctor_id and a.is_active and a.start < end and start < a.end]

    async def claim_overdue(self, cutoff: datetime, limit: int) -> list[Appointment]:
        due = sorted((a for a in self.rows.values() if a.status == "booked"
                      and a.start <= cutoff), key=lambda a: a.start)
        return [_copy(a) for a in due[:limit]]


class FakeSchedules(dict[uuid.UUID, Schedule]):
    seen: Seen = staticmethod(_unseen)
    async def get(self, doctor_id: uuid.UUID) -> Schedule | None:  # type: ignore[override]
        return super().get(doctor_id)

    async def save(self, schedule: Schedule) -> None:
        self[schedule.doctor_id] = _copy(schedule)
        self.seen(schedule)


class FakePeople(FakeTable[Person]):
    async def get_many(self, person_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Person]:
        return {i: dataclasses.replace(self[i]) for i in person_ids if i in self}

    async def doctors(self, include_inactive: bool, limit: int, offset: int) -> Page[Person]:
        found = sorted((p for p in self.values() if p.is_doctor
                        and (include_inactive or p.active)), key=lambda p: p.full_name)
        return Page(found[offset:offset + limit], len(found), limit, offset)


class FakePenalties(dict[uuid.UUID, Penalty]):
    seen: Seen = staticmethod(_unseen)
    async def add(self, penalty: Penalty) -> bool:
        if any(p.appointment_id == penalty.appointment_id for p in self.values()):
            return False
        self[penalty.id] = _copy(penalty)
        self.seen(penalty)
        return True

    async def get(  # type: ignore[override]
        self, penalty_id: uuid.UUID, *, for_update: bool = False
    ) -> Penalty | None:
        penalty = super().get(penalty_id)
        return _copy(penalty) if penalty else None

    async def save(self, penalty: Penalty) -> None:
        self[penalty.id] = _copy(penalty)
        self.seen(penalty)

    async def count_active(self, patient_id: uuid.UUID, since: datetime) -> int:
        return sum(1 for p in self.values()
                   if p.patient_id == patient_id and not p.waived and p.created_at > since)

    async def search(self, patient_id: uuid.UUID | None, limit: int,
                     offset: int) -> Page[Penalty]:
        found = [_copy(p) for p in self.values() if patient_id in (None, p.patient_id)]
        return Page(found[offset:offset + limit], len(found), limit, offset)


class FakeBooking:
    """The booking's reads as the SQL one makes them in one statement: the lock, then the
    directory and the schedule."""

    def __init__(self, store: FakeStore) -> None:
        self.store = store

    async def lock_and_read(self, patient_id: uuid.UUID,
                            doctor_id: uuid.UUID) -> ports.BookingReads:
        await self.store.appointments.lock_patient(patient_id)
        return ports.BookingReads(await self.store.people.get_many((doctor_id, patient_id)),
                                  await self.store.schedules.get(doctor_id))


class FakeStore:
    def __init__(self) -> None:
        self.appointments = FakeAppointments()
        self.schedules = FakeSchedules()
        self.people = FakePeople()
        self.appointments.people = self.people  # search names people, as the join does
        self.penalties = FakePenalties()
        self.published: list[Envelope] = []


class FakeUnitOfWork(BaseFakeUnitOfWork):
    def __init__(self, store: FakeStore) -> None:
        super().__init__(store, CONTRACTS)
        self.appointments, self.schedules = store.appointments, store.schedules
        self.people, self.penalties = store.people, store.penalties
        self.booking = FakeBooking(store)

    def tables(self) -> Sequence[dict[Any, Any]]:
        return self.appointments.rows, self.schedules, self.people, self.penalties

    def recording(self) -> Sequence[Any]:
        return self.appointments, self.schedules, self.penalties

    def writable(self) -> FakeUnitOfWork:
        return self


if TYPE_CHECKING:  # `make lint` type-checks this: a fake that drifts from its port fails here.
    def _fits_the_ports(store: FakeStore) -> None:
        _uow: ports.UnitOfWork = FakeUnitOfWork(store)
        _appointments: ports.AppointmentRepository = store.appointments
        _schedules: ports.ScheduleRepository = store.schedules
        _people: ports.DirectoryRepository = store.people
        _penalties: ports.PenaltyRepository = store.penalties
        _booking: ports.BookingRepository = FakeBooking(store)
