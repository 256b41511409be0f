"""Appointments in Postgres: every query on the appointments table lives here."""

from __future__ import annotations

import dataclasses
import functools
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from hms_appointments.adapters.orm import (
    ACTIVE_STATUSES,
    DOCTOR_OVERLAP,
    PATIENT_OVERLAP,
    SAME_DOCTOR_SAME_DAY,
    appointments,
    people,
)
from hms_appointments.domain import errors as exc
from hms_appointments.domain.appointment import Appointment, Status
from hms_appointments.service_layer.ports import AppointmentFilter, Page
from hms_platform.recording import Seen

# Generated columns (the overlap keys) are the database's: neither written, read nor mapped.
_COLUMNS = [c for c in appointments.columns if c.computed is None]
_FIELDS = [c.name for c in _COLUMNS]
_RENAMED = {"start_at": "start", "end_at": "end"}
_COLUMN_OF = {field: column for column, field in _RENAMED.items()}


def _row(appointment: Appointment) -> dict[str, Any]:
    values = {col: getattr(appointment, _RENAMED.get(col, col)) for col in _FIELDS}
    values["status"] = appointment.status.value
    return values


# Selected in the order of Appointment's own fields, so that a row is its positional arguments:
# a page of 20 spent more time building dicts of each row than in the query.
_SELECTED = [appointments.c[_COLUMN_OF.get(f.name, f.name)]
             for f in dataclasses.fields(Appointment) if f.init and f.name != "events"]
if {c.name for c in _SELECTED} != set(_FIELDS):
    raise RuntimeError("Appointment's fields and the appointments table's columns disagree")
_STATUS = [c.name for c in _SELECTED].index("status")
_STATUSES = {s.value: s for s in Status}


def _appointment(row: Sequence[Any]) -> Appointment:
    values = list(row[:len(_SELECTED)])
    values[_STATUS] = _STATUSES[values[_STATUS]]
    return Appointment(*values)


# The booking path's statements, built once (a statement built per call spends more time on
# its cache key than Postgres spends running it).
LOCK_PATIENT = sa.select(sa.func.pg_advisory_xact_lock(
    sa.func.hashtext("appointments.patient_bookings"),
    sa.func.hashtext(sa.bindparam("patient", type_=sa.Text))))
_COUNT_ACTIVE_AFTER = sa.select(sa.func.count()).select_from(appointments).where(
    appointments.c.patient_id == sa.bindparam("patient"), sa.text(ACTIVE_STATUSES),
    appointments.c.start_at > sa.bindparam("after"))
_SELF_CANCELLED_SINCE = sa.select(appointments.c.cancelled_at).where(
    appointments.c.patient_id == sa.bindparam("patient"),
    appointments.c.status == Status.CANCELLED.value,
    appointments.c.cancelled_by == appointments.c.patient_id,
    appointments.c.cancelled_at > sa.bindparam("since"),
).order_by(appointments.c.cancelled_at)
_INSERT = sa.insert(appointments)
_FILTERS = ("patient_id", "doctor_id", "status", "start_from", "start_to")
_PATIENT, _DOCTOR = people.alias("patient"), people.alias("doctor")


def _conditions(shape: tuple[str, ...]) -> list[sa.ColumnElement[bool]]:
    t = appointments.c
    given = {"patient_id": t.patient_id == sa.bindparam("patient_id"),
             "doctor_id": t.doctor_id == sa.bindparam("doctor_id"),
             "status": t.status == sa.bindparam("status"),
             "start_from": t.start_at >= sa.bindparam("start_from"),
             "start_to": t.start_at < sa.bindparam("start_to")}
    return [given[name] for name in shape]


@functools.cache
def _search(shape: tuple[str, ...]) -> sa.Select[Any]:
    """The list's one statement for the filters in ``shape``, built once per shape: a page,
    the total on every row (a window over the whole match) and the people's names."""
    t = appointments.c
    return (sa.select(*_SELECTED, sa.func.count().over().label("total"),
                      _PATIENT.c.full_name.label("patient_name"),
                      _DOCTOR.c.full_name.label("doctor_name"))
            .select_from(appointments
                         .outerjoin(_PATIENT, _PATIENT.c.id == t.patient_id)
                         .outerjoin(_DOCTOR, _DOCTOR.c.id == t.doctor_id))
            .where(*_conditions(shape)).order_by(t.start_at, t.id)
            .limit(sa.bindparam("limit")).offset(sa.bindparam("offset")))


def _overlap_error(error: IntegrityError) -> Exception:
    """The domain error for a violated exclusion constraint or unique index (asyncpg's
    ExclusionViolationError 23P01 / UniqueViolationError 23505 name it); anything else stays
    as it was."""
    name = getattr(getattr(error.orig, "__cause__", None), "constraint_name", None)
    if name == DOCTOR_OVERLAP:
        return exc.SlotTaken("That slot is already taken.")
    if name == PATIENT_OVERLAP:
        return exc.PatientBusy("The patient already has an appointment at that time.")
    if name == "appointments_pkey":  # a client-chosen id taken meanwhile
        return exc.AppointmentExists("An appointment with that id exists.")
    if name == SAME_DOCTOR_SAME_DAY:
        return exc.SameDoctorSameDay(
            "The patient already has an appointment with this doctor on that day.")
    return error


class SqlAppointmentRepository:
    def __init__(self, conn: AsyncConnection, seen: Seen) -> None:
        self.conn, self.seen = conn, seen  # seen: the unit of work's recorder

    async def add(self, appointment: Appointment) -> None:
        try:
            await self.conn.execute(_INSERT, _row(appointment))
        except IntegrityError as error:
            raise _overlap_error(error) from None
        self.seen(appointment)

    async def get(
        self, appointment_id: uuid.UUID, *, for_update: bool = False
    ) -> Appointment | None:
        query = sa.select(*_SELECTED).where(appointments.c.id == appointment_id)
        if for_update:
            query = query.with_for_update()
        row = (await self.conn.execute(query)).first()
        return _appointment(row) if row else None

    async def save(self, appointment: Appointment) -> None:
        values = _row(appointment)
        del values["id"]
        try:
            await self.conn.execute(sa.update(appointments)
                                       .where(appointments.c.id == appointment.id).values(values))
        except IntegrityError as error:
            raise _overlap_error(error) from None
        self.seen(appointment)

    async def search(self, where: AppointmentFilter, limit: int, offset: int) -> Page[Appointment]:
        values = {name: getattr(where, name) for name in _FILTERS if getattr(where, name)}
        if where.status:
            values["status"] = where.status.value
        shape = tuple(values)
        rows = (await self.conn.execute(
            _search(shape), {**values, "limit": limit, "offset": offset})).all()
        if rows:
            total = rows[0].total
        elif offset:  # past the end: no row carries the total
            total = (await self.conn.execute(sa.select(sa.func.count()).select_from(
                appointments).where(*_conditions(shape)), values)).scalar_one()
        else:
            total = 0
        names = {}
        for r in rows:
            names[r.patient_id], names[r.doctor_id] = r.patient_name, r.doctor_name
        return Page([_appointment(r) for r in rows], int(total), limit, offset,
                    {i: n for i, n in names.items() if n})

    async def lock_patient(self, patient_id: uuid.UUID) -> None:
        """Until this transaction ends, every other booking for this patient waits here: an
        advisory lock on the patient's id (held even while the patient has no row at all)."""
        await self.conn.execute(LOCK_PATIENT, {"patient": str(patient_id)})

    async def count_active_after(self, patient_id: uuid.UUID, after: datetime) -> int:
        return int((await self.conn.execute(
            _COUNT_ACTIVE_AFTER, {"patient": patient_id, "after": after})).scalar_one())

    async def self_cancelled_since(self, patient_id: uuid.UUID, since: datetime) -> list[datetime]:
        return list((await self.conn.execute(
            _SELF_CANCELLED_SINCE, {"patient": patient_id, "since": since})).scalars())

    async def busy_between(
        self, doctor_id: uuid.UUID, start: datetime, end: datetime
    ) -> list[tuple[datetime, datetime]]:
        t = appointments.c
        rows = (await self.conn.execute(
            sa.select(t.start_at, t.end_at).where(
                t.doctor_id == doctor_id, sa.text(ACTIVE_STATUSES),
                t.start_at < end, t.end_at > start))).all()
        return [(r.start_at, r.end_at) for r in rows]

    async def claim_overdue(self, cutoff: datetime, limit: int) -> list[Appointment]:
        t = appointments.c
        rows = (await self.conn.execute(
            sa.select(*_SELECTED)
            .where(t.status == Status.BOOKED.value, t.start_at <= cutoff)
            .order_by(t.start_at).limit(limit)
            .with_for_update(skip_locked=True))).all()
        return [_appointment(r) for r in rows]
