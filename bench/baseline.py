"""The bare baseline (bench/baseline_app.py) under the same wrk load as HMS, in its own database
on the same Postgres: POST /insert with distinct bookings, GET /select of a doctor's 20 rows."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import load
from event_pipeline import database

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


async def run(pg_url: str) -> dict[str, Any]:
    async with database(pg_url) as db_url, load.servers(NAME) as group:
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
        finally:
            await conn.close()
        insert = await load.load_with_bodies(f"{base}/insert", bookings(), group.workdir,
                                             "insert")
        select = await load.load_get(f"{base}/select?doctor_id={doctor}&limit=20")
        group.check_alive()
        return {"insert": insert, "select": select, "rss_kib": group.rss_kib(),
                "log_problems": group.log_problems()}
