"""The same database work as HMS's booking and list, in raw asyncpg behind bare FastAPI routes:
the reference of the rows "deployed: book vs the same work" and "deployed: list vs the same
work". They run on HMS's own tables (the bench migrates the appointments schema into the
baseline's database, bench/baseline.py) and send the statements HMS's adapters send
(services/appointments/src/hms_appointments/adapters), with nothing around them: no
authentication, no SQLAlchemy, no unit of work, no middleware, no domain objects, no logging.

    POST /book {doctor_id, patient_id, start}: 8 round trips, as a staff booking does:
        BEGIN; the doctor and the patient (one SELECT ... = ANY); the doctor's schedule; the
        patient's advisory lock; the count of their active bookings; the INSERT under the
        exclusion constraints and the one-per-day index; the event into the outbox with its
        NOTIFY (one statement, as hms_platform.outbox writes it); COMMIT.
    GET /list?doctor_id=&limit=&offset=: a page of that doctor's appointments, the total
        (a window over the whole match) and the patient's and doctor's names, in one SELECT.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
from fastapi import FastAPI, HTTPException, Query, Request
from pydantic import AwareDatetime, BaseModel

CLINIC_TZ = ZoneInfo("Africa/Nairobi")  # bench/load.py's CLINIC_TZ
MAX_ACTIVE, URGENCY = 3, 3
BOOKED = "appointments.appointment_booked.v1"

PEOPLE = ("SELECT id, role, full_name, department, room, active FROM appointments.people "
          "WHERE id = ANY ($1::uuid[])")
SCHEDULE = ("SELECT doctor_id, slot_minutes, weekly, time_off, updated_at "
            "FROM appointments.schedules WHERE doctor_id = $1")
LOCK = ("SELECT pg_advisory_xact_lock(hashtext('appointments.patient_bookings'), "
        "hashtext($1::text))")
COUNT = ("SELECT count(*) FROM appointments.appointments WHERE patient_id = $1 "
         "AND status IN ('booked', 'checked_in') AND start_at > $2")
INSERT = """
INSERT INTO appointments.appointments (id, patient_id, doctor_id, start_at, end_at, status,
  urgency, reason, booked_by, created_at, cancelled_at, cancelled_by, cancel_reason,
  late_cancel, checked_in_at, completed_at, diagnosis, treatment, no_show_at,
  no_show_marked_by, clinic_day, field_times)
VALUES ($1, $2, $3, $4, $5, 'booked', $6, NULL, $7, $8, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, $9, '{}'::jsonb)"""
OUTBOX = """
WITH written AS (
  INSERT INTO "appointments".outbox (event_id, name, body, correlation_id)
  SELECT (r.doc->>'event_id')::uuid, r.doc->>'name', r.doc->'body', r.doc->>'correlation_id'
  FROM jsonb_array_elements(CAST($1 AS text)::jsonb) WITH ORDINALITY AS r(doc, n)
  ORDER BY r.n
  RETURNING id
)
SELECT pg_notify($2, '') FROM (SELECT count(*) FROM written) AS done"""
COLUMNS = ("id, patient_id, doctor_id, start_at, end_at, urgency, reason, booked_by, "
           "created_at, status, cancelled_at, cancelled_by, cancel_reason, late_cancel, "
           "checked_in_at, completed_at, no_show_at, no_show_marked_by")
LIST = f"""
SELECT {', '.join('a.' + c for c in COLUMNS.split(', '))}, count(*) OVER () AS total,
       p.full_name AS patient_name, d.full_name AS doctor_name
FROM appointments.appointments AS a
LEFT JOIN appointments.people AS p ON p.id = a.patient_id
LEFT JOIN appointments.people AS d ON d.id = a.doctor_id
WHERE a.doctor_id = $1 ORDER BY a.start_at, a.id LIMIT $2 OFFSET $3"""


class BookIn(BaseModel):
    doctor_id: uuid.UUID
    patient_id: uuid.UUID
    start: AwareDatetime


class AppointmentOut(BaseModel):
    """The fields of HMS's AppointmentPublic (the notes are the caller's to see: null here)."""

    id: uuid.UUID
    status: str
    patient_id: uuid.UUID
    patient_name: str | None = None
    doctor_id: uuid.UUID
    doctor_name: str | None = None
    start: datetime
    end: datetime
    urgency: int
    reason: str | None
    booked_by: uuid.UUID
    created_at: datetime
    cancelled_at: datetime | None
    cancelled_by: uuid.UUID | None
    cancel_reason: str | None
    late_cancel: bool | None
    checked_in_at: datetime | None
    completed_at: datetime | None
    no_show_at: datetime | None
    no_show_marked_by: str | None
    diagnosis: str | None = None
    treatment: str | None = None


class PageOut(BaseModel):
    items: list[AppointmentOut]
    total: int
    limit: int
    offset: int


def _event(appointment: dict[str, Any]) -> str:
    """The outbox's ``rows`` parameter: one envelope, as hms_platform's recorder makes it."""
    event_id = uuid.uuid4()
    payload = {k: str(appointment[k]) for k in ("patient_id", "doctor_id", "booked_by")}
    payload.update(appointment_id=str(appointment["id"]),
                   start=appointment["start"].isoformat(), end=appointment["end"].isoformat(),
                   urgency=URGENCY, override_reason=None)
    body = {"event_id": str(event_id), "name": BOOKED,
            "occurred_at": appointment["created_at"].isoformat(), "producer": "appointments",
            "correlation_id": None, "causation_id": None, "payload": payload}
    return json.dumps([{"event_id": str(event_id), "name": BOOKED, "correlation_id": None,
                        "body": body}])


def _day(start: datetime) -> date:
    return start.astimezone(CLINIC_TZ).date()


async def book(body: BookIn, request: Request) -> AppointmentOut:
    pool: asyncpg.Pool = request.app.state.pool
    now = datetime.now(UTC)
    async with pool.acquire() as conn, conn.transaction():  # BEGIN ... COMMIT
        people = {r["id"]: r for r in await conn.fetch(PEOPLE, [body.doctor_id,
                                                                body.patient_id])}
        doctor, patient = people.get(body.doctor_id), people.get(body.patient_id)
        if doctor is None or doctor["role"] != "doctor" or not doctor["active"]:
            raise HTTPException(404, "doctor not found")
        if patient is None or patient["role"] != "patient" or not patient["active"]:
            raise HTTPException(404, "patient not found")
        schedule = await conn.fetchrow(SCHEDULE, body.doctor_id)
        if schedule is None:
            raise HTTPException(409, "no working hours")
        slot = timedelta(minutes=schedule["slot_minutes"])
        await conn.execute(LOCK, str(body.patient_id))
        if await conn.fetchval(COUNT, body.patient_id, now) >= MAX_ACTIVE:
            raise HTTPException(409, "limit reached")
        appointment = {"id": uuid.uuid4(), "patient_id": body.patient_id,
                       "doctor_id": body.doctor_id, "start": body.start.astimezone(UTC),
                       "end": body.start.astimezone(UTC) + slot, "booked_by": body.patient_id,
                       "created_at": now}
        try:
            await conn.execute(INSERT, appointment["id"], body.patient_id, body.doctor_id,
                               appointment["start"], appointment["end"], URGENCY,
                               appointment["booked_by"], now, _day(body.start))
        except (asyncpg.ExclusionViolationError, asyncpg.UniqueViolationError):
            raise HTTPException(409, "taken") from None
        await conn.execute(OUTBOX, _event(appointment), "hms_outbox_appointments")
    return AppointmentOut(
        **appointment, status="booked", urgency=URGENCY, reason=None, cancelled_at=None,
        cancelled_by=None, cancel_reason=None, late_cancel=None, checked_in_at=None,
        completed_at=None, no_show_at=None, no_show_marked_by=None)


async def list_page(doctor_id: uuid.UUID, request: Request,
                    limit: int = Query(50, ge=1, le=100),
                    offset: int = Query(0, ge=0)) -> PageOut:
    pool: asyncpg.Pool = request.app.state.pool
    rows = await pool.fetch(LIST, doctor_id, limit, offset)
    items = []
    for r in rows:
        item = dict(r)
        item["start"], item["end"] = item.pop("start_at"), item.pop("end_at")
        del item["total"]
        items.append(AppointmentOut(**item))
    return PageOut(items=items, total=rows[0]["total"] if rows else 0, limit=limit,
                   offset=offset)


def install(app: FastAPI) -> None:
    app.post("/book", status_code=201)(book)
    app.get("/list")(list_page)
