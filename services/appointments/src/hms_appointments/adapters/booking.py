"""The reads a booking makes before it counts, in one round trip (ports.BookingRepository)."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.ext.asyncio import AsyncConnection

from hms_appointments.adapters.appointments import LOCK_PATIENT
from hms_appointments.adapters.directory import PERSON_COLUMNS
from hms_appointments.adapters.orm import people, schedules
from hms_appointments.adapters.schedules import schedule_of
from hms_appointments.domain.directory import Person
from hms_appointments.service_layer.ports import BookingReads

_LOCK = LOCK_PATIENT.subquery("locked")
# The lock's one row comes first and the others join it (LEFT JOIN): it is taken whether or
# not the people and the schedule exist. A doctor and a patient with a schedule: two rows,
# each with the schedule.
_READ = (
    sa.select(*(people.c[n] for n in PERSON_COLUMNS), schedules.c.slot_minutes,
              schedules.c.weekly, schedules.c.time_off, *_LOCK.c)
    .select_from(_LOCK
                 .outerjoin(people, people.c.id == sa.any_(
                     sa.bindparam("ids", type_=ARRAY(UUID(as_uuid=True)))))
                 .outerjoin(schedules, schedules.c.doctor_id == sa.bindparam("doctor"))))


class SqlBookingRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def lock_and_read(self, patient_id: uuid.UUID, doctor_id: uuid.UUID) -> BookingReads:
        rows = (await self.conn.execute(_READ, {
            "patient": str(patient_id), "ids": [doctor_id, patient_id],
            "doctor": doctor_id})).all()
        found = {r.id: Person(*r[:len(PERSON_COLUMNS)]) for r in rows if r.id is not None}
        first = rows[0]  # the lock's row: there is always one
        schedule = (None if first.slot_minutes is None else schedule_of(
            doctor_id, first.slot_minutes, first.weekly, first.time_off))
        return BookingReads(found, schedule)
