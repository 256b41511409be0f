"""The bare baseline (bench/baseline_app.py) under the same wrk load as HMS, in its own database
on the same Postgres: POST /insert with distinct bookings, GET /select of a doctor's 20 rows;
and the same work as HMS's booking and list (bench/same_work.py) on HMS's appointments tables,
migrated into that database and seeded as bench/deployed.py seeds HMS's: POST /book with
distinct bookings, GET /list of a doctor's 20 appointments."""

from __future__ import annotations

import json
import sys
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import deployed
import load
from cpu_share import CpuShare
from event_pipeline import database
from sqlalchemy import make_url
from sqlalchemy.ext.asyncio import create_async_engine

import hms_appointments
from hms_platform.migrations import upgrade
from hms_platform.pgurl import libpq_url

NAME = "baseline"
SELECT_DOCTORS, ROWS_PER_DOCTOR = 1_000, 20
SEED = """
INSERT INTO bookings (doctor_id, patient_id, start_at, end_at)
SELECT md5('base-doctor-' || d)::uuid, gen_random_uuid(),
       now() + (d * 20 + n) * interval '15 minutes',
       now() + (d * 20 + n + 1) * interval '15 minutes'
FROM generate_series(0, $1::int - 1) AS d, generate_series(0, $2::int - 1) AS n
"""


def bookings(doctors: int = 20) -> Any:
    """Distinct (doctor, slot, patient) bodies for POST /insert, as HMS's are built."""
    ids = [str(uuid.uuid4()) for _ in range(doctors)]
    for _, doctor, _, start in load.slots(ids):
        yield {"doctor_id": doctor, "patient_id": str(uuid.uuid4()), "start": start}


WEEKLY = json.dumps(load.WEEKLY)


async def seed_same_work(conn: asyncpg.Connection) -> tuple[list[str], list[str], str]:
    """As deployed.py seeds HMS: 20 booking doctors and one with exactly 20 appointments, each
    with all-day hours in 15-minute slots; 90,000 patients; 1,000 synthetic appointments. The
    doctors go straight into appointments.people here (HMS's come through auth's events)."""
    doctors = [str(uuid.uuid4()) for _ in range(deployed.DOCTORS + 1)]
    await conn.execute(
        "INSERT INTO appointments.people (id, role, full_name, department, room, active) "
        "SELECT id, 'doctor', 'Dr Same Work', 'General', '1', true "
        "FROM unnest($1::uuid[]) AS id", doctors)
    await conn.execute(
        "INSERT INTO appointments.schedules (doctor_id, slot_minutes, weekly, time_off) "
        "SELECT id, $2, $3::jsonb, '[]'::jsonb FROM unnest($1::uuid[]) AS id",
        doctors, load.SLOT_MINUTES, WEEKLY)
    patients = await deployed.insert_patients(conn, 90_000)
    list_doctor, doctors = doctors[0], doctors[1:]
    day = load.clinic_today() + timedelta(days=load.FIRST_DAY)
    await conn.executemany(
        "INSERT INTO appointments.appointments (id, patient_id, doctor_id, start_at, end_at, "
        "status, urgency, booked_by, created_at, clinic_day) VALUES (gen_random_uuid(), $1, "
        "$2, $3::timestamptz, $3::timestamptz + interval '15 minutes', 'booked', 3, $1, now(), $4)",
        [(uuid.UUID(p), uuid.UUID(list_doctor), start, day) for p, start in
         ((p, datetime.fromisoformat(load.slot_start(day, n)))
          for n, p in enumerate(patients[:20]))])
    await conn.execute(deployed.SYNTHETIC_PEOPLE, "doctor", 0, deployed.SYNTHETIC_DOCTORS)
    await deployed.synthetic(conn, 0, deployed.SMALL)
    return doctors, patients, list_doctor


async def run(pg_url: str) -> dict[str, Any]:
    async with database(pg_url) as db_url, load.servers(NAME) as group:
        engine = create_async_engine(db_url)
        try:  # HMS's appointments schema, for the same-work routes
            await upgrade(engine, hms_appointments.MIGRATIONS)
        finally:
            await engine.dispose()
        dsn = libpq_url(db_url)
        port = load.free_port()
        await group.start("baseline", [sys.executable, str(Path(__file__).with_name(
            "baseline_app.py")), "--port", str(port), "--database-url", dsn], env=load.env())
        base = f"http://127.0.0.1:{port}"
        await group.wait_ready(f"{base}/healthz")  # its startup has created the table
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(SEED, SELECT_DOCTORS, ROWS_PER_DOCTOR)
            await conn.execute("ANALYZE bookings")
            doctor = await conn.fetchval("SELECT md5('base-doctor-0')::uuid")
            doctors, patients, list_doctor = await seed_same_work(conn)
            insert = await load.load_with_bodies(f"{base}/insert", bookings(), group.workdir,
                                                 "insert")
            select = await load.load_get(f"{base}/select?doctor_id={doctor}&limit=20")
            database_name = make_url(db_url).database or ""
            share = CpuShare.start(group, database_name)
            book = await load.load_with_bodies(f"{base}/book",
                                               deployed.bookings(doctors, patients),
                                               group.workdir, "same-work-book")
            book_cpu = share.per_request(book.rps)
            share = CpuShare.start(group, database_name)
            page = await load.load_get(f"{base}/list?doctor_id={list_doctor}&limit=20")
            list_cpu = share.per_request(page.rps)
            total = await conn.fetchval(
                "SELECT count(*) FROM appointments.appointments WHERE doctor_id = $1",
                uuid.UUID(list_doctor))
        finally:
            await conn.close()
        group.check_alive()
        return {"insert": insert, "select": select, "same_work_book": book,
                "same_work_list": page, "same_work_list_total": total,
                "same_work_book_cpu": book_cpu, "same_work_list_cpu": list_cpu,
                "rss_kib": group.rss_kib(), "log_problems": group.log_problems()}
