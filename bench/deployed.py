"""HMS in its deployed shape: auth API, auth relay, appointments API, appointments relay and
consumer, each its own OS process with one worker, on a fresh database and a unique AMQP
prefix; loaded with wrk like the baseline.

Seeding goes through the real paths where that is cheap: the admin's token from
POST /api/auth/token, doctors from POST /api/auth/users (they reach appointments through
auth.user_registered.v1 over RabbitMQ), schedules from PUT .../schedule. Patients, who would
each cost an Argon2 hash in auth, are written straight into appointments.people, and the
appointments behind the data-size rows straight into appointments.appointments.
"""

from __future__ import annotations

import asyncio
import base64
import secrets
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import aio_pika
import asyncpg
import httpx
import load
import profiling
from cpu_share import CpuShare
from event_pipeline import database
from sqlalchemy import make_url
from sqlalchemy.ext.asyncio import create_async_engine

import hms_appointments
import hms_auth
from hms_platform.messaging.bus import RetryPolicy
from hms_platform.migrations import upgrade
from hms_platform.pgurl import libpq_url

NAME = "deployed"
DOCTORS = 20  # booking doctors; one more holds exactly 20 appointments for the list read
SINK = "bench.sink"
SMALL, LARGE = 1_000, 1_000_000  # appointments in the table for the data-size rows
SYNTHETIC_DOCTORS, SYNTHETIC_PATIENTS = 1_000, 100_003  # prime: a patient's rows are ~50 days apart
# Row i: doctor i % 1000, that doctor's k = i / 1000-th appointment (two a clinic day, from 410
# days ago to 89 days ahead), patient i % 100003. A doctor's rows never overlap; a patient's are
# ~100 k apart, so never on one day. Past rows are completed, the rest booked (active).
SYNTHETIC = f"""
WITH r AS (
  SELECT i, i % {SYNTHETIC_DOCTORS} AS d, i / {SYNTHETIC_DOCTORS} AS k,
         i % {SYNTHETIC_PATIENTS} AS p
  FROM generate_series($1::int, $2::int - 1) AS i
), t AS (
  SELECT d, p, (date_trunc('day', now() AT TIME ZONE $3) - interval '410 days'
      + (k / 2) * interval '1 day' + interval '9 hours' + (k % 2) * interval '4 hours'
      + (d % 16) * interval '15 minutes') AT TIME ZONE $3 AS s
  FROM r
)
INSERT INTO appointments.appointments
  (id, patient_id, doctor_id, start_at, end_at, status, urgency, booked_by, created_at,
   completed_at, clinic_day)
SELECT gen_random_uuid(), md5('bench-patient-' || p)::uuid, md5('bench-doctor-' || d)::uuid,
       s, s + interval '15 minutes', CASE WHEN s < now() THEN 'completed' ELSE 'booked' END, 3,
       md5('bench-doctor-' || d)::uuid, s - interval '7 days',
       CASE WHEN s < now() THEN s + interval '15 minutes' END, (s AT TIME ZONE $3)::date
FROM t
"""
SYNTHETIC_PEOPLE = """
INSERT INTO appointments.people (id, role, full_name, department, room, active)
SELECT md5('bench-' || $1 || '-' || n)::uuid, $1, 'Synthetic ' || $1 || ' ' || n,
       CASE WHEN $1 = 'doctor' THEN 'Synthetic' END, CASE WHEN $1 = 'doctor' THEN '0' END, true
FROM generate_series($2::int, $3::int - 1) AS n
ON CONFLICT (id) DO NOTHING
"""


async def run(pg_url: str, amqp_url: str) -> dict[str, Any]:
    prefix = f"bench{uuid.uuid4().hex[:6]}."
    try:
        async with database(pg_url) as db_url, load.servers(NAME) as group:
            return await _run(group, db_url, amqp_url, prefix)
    finally:
        await delete_broker_objects(amqp_url, prefix)


async def _run(group: load.Servers, db_url: str, amqp_url: str, prefix: str
               ) -> dict[str, Any]:
    engine = create_async_engine(db_url)
    try:  # as the postgres superuser: both schemas in the bench's own database
        await upgrade(engine, hms_auth.MIGRATIONS)
        await upgrade(engine, hms_appointments.MIGRATIONS)
    finally:
        await engine.dispose()
    auth_port, appointments_port = load.free_port(), load.free_port()
    password = secrets.token_urlsafe(12)
    common = {"ENVIRONMENT": "test", "DATABASE_URL": db_url, "AMQP_URL": amqp_url,
              "AMQP_PREFIX": prefix, "LOG_LEVEL": "WARNING", "LOG_JSON": "true"}
    env = load.env(
        **{f"{service}_{k}": v for service in ("AUTH", "APPOINTMENTS") for k, v in common.items()},
        AUTH_HOST="127.0.0.1", AUTH_PORT=str(auth_port),
        AUTH_KEY_ENCRYPTION_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
        HMS_ADMIN_USERNAME="admin", HMS_ADMIN_PASSWORD=password,
        APPOINTMENTS_CLINIC_TIMEZONE=load.CLINIC_TZ,
        APPOINTMENTS_JWKS_URL=f"http://127.0.0.1:{auth_port}/api/auth/.well-known/jwks.json")
    cli = str(Path(sys.executable).parent / "hms-appointments")
    processes = {
        "auth-api": ([sys.executable, "-m", "hms_auth.entrypoints.api"], None),
        "auth-relay": ([sys.executable, "-m", "hms_auth.entrypoints.relay"], "AUTH"),
        "appointments-api": ([cli, "api", "--host", "127.0.0.1", "--port",
                              str(appointments_port)], None),
        "appointments-relay": ([cli, "relay"], "APPOINTMENTS"),
        "appointments-consumer": ([cli, "consumer"], "APPOINTMENTS"),
    }
    probes = [f"http://127.0.0.1:{auth_port}/api/auth/readyz",
              f"http://127.0.0.1:{appointments_port}/api/appointments/readyz"]
    for name, (args, health_prefix) in processes.items():
        own = dict(env)
        if health_prefix:  # relays and the consumer answer /readyz (database and broker)
            port = load.free_port()
            own[f"{health_prefix}_HEALTH_PORT"] = str(port)
            probes.append(f"http://127.0.0.1:{port}/readyz")
        await group.start(name, args, own)
    for url in probes:
        await group.wait_ready(url)
    await bind_sink(amqp_url, prefix)

    auth = httpx.AsyncClient(base_url=f"http://127.0.0.1:{auth_port}", timeout=30)
    api = f"http://127.0.0.1:{appointments_port}/api/appointments"
    appointments = httpx.AsyncClient(base_url=api, timeout=30)
    try:
        seeded = time.perf_counter()
        token = await sign_in(auth, "admin", password)
        headers = {"Authorization": f"Bearer {token}"}
        doctors = await create_doctors(auth, appointments, headers, DOCTORS + 1, group)
        list_doctor, doctors = doctors[0], doctors[1:]
        conn = await asyncpg.connect(libpq_url(db_url))
        try:
            patients = await insert_patients(conn, 90_000)
            slots = bookings(doctors, patients)
            await book_twenty(appointments, api, headers, list_doctor, patients)
            await conn.execute(SYNTHETIC_PEOPLE, "doctor", 0, SYNTHETIC_DOCTORS)
            await synthetic(conn, 0, SMALL)
            seed_seconds = time.perf_counter() - seeded
            out: dict[str, Any] = {"seed_seconds": seed_seconds}

            auth_header = headers["Authorization"]
            out["appointments_before_low_small"] = await count(conn)
            out["book_low_small"] = await load.load_with_bodies(
                api, slots, group.workdir, "book-low-1k", auth=auth_header,
                connections=load.LOW_CONNECTIONS, seconds=load.LOW_SECONDS)
            api_pid = group.running["appointments-api"].pid
            seconds = load.WARM_SECONDS + load.SECONDS
            database_name = make_url(db_url).database or ""
            share = CpuShare.start(group, database_name)
            async with profiling.profiled("deployed-book", api_pid, seconds):
                out["book"] = await load.load_with_bodies(api, slots, group.workdir, "book",
                                                          auth=auth_header)
            out["book_cpu"] = share.per_request(out["book"].rps)
            share = CpuShare.start(group, database_name)
            async with profiling.profiled("deployed-list", api_pid, seconds):
                out["list"] = await load.load_get(f"{api}?doctor_id={list_doctor}&limit=20",
                                                  auth=auth_header)
            out["list_cpu"] = share.per_request(out["list"].rps)
            out["list_total"] = (await appointments.get(
                api, params={"doctor_id": list_doctor, "limit": 20}, headers=headers)).json()[
                "total"]
            out["rss_kib_after_load"] = group.rss_kib()
            group.check_alive()

            filled = time.perf_counter()
            await synthetic(conn, SMALL, LARGE, connections=2, dsn=libpq_url(db_url))
            out["fill_seconds"] = time.perf_counter() - filled
            out["appointments_before_low_large"] = await count(conn)
            out["book_low_large"] = await load.load_with_bodies(
                api, slots, group.workdir, "book-low-1m", auth=auth_header,
                connections=load.LOW_CONNECTIONS, seconds=load.LOW_SECONDS)
            out["rss_kib"] = group.rss_kib()
            group.check_alive()
            out["log_problems"] = group.log_problems()
            out["outbox_unpublished"] = {schema: await conn.fetchval(
                f"SELECT count(*) FROM {schema}.outbox WHERE published_at IS NULL")
                for schema in ("auth", "appointments")}
            # A relay's pass marks its rows with one now(): rows per distinct published_at.
            out["relay_rows_per_pass"] = float(await conn.fetchval(
                "SELECT count(*)::float / greatest(count(DISTINCT published_at), 1) "
                "FROM appointments.outbox WHERE published_at IS NOT NULL"))
            return out
        finally:
            await conn.close()
    finally:
        await auth.aclose()
        await appointments.aclose()


async def sign_in(auth: httpx.AsyncClient, username: str, password: str) -> str:
    answer = await auth.post("/api/auth/token", data={"username": username,
                                                      "password": password})
    answer.raise_for_status()
    return str(answer.json()["access_token"])


async def create_doctors(auth: httpx.AsyncClient, appointments: httpx.AsyncClient,
                         headers: dict[str, str], n: int, group: load.Servers) -> list[str]:
    """Doctors through auth, waited for in appointments' directory, then given all-day hours
    every day of the week in 15-minute slots."""
    run_id = uuid.uuid4().hex[:6]
    hashing = asyncio.Semaphore(2)  # Argon2: auth allows cpu_count hashes at once

    async def one(i: int) -> str:
        async with hashing:
            answer = await auth.post("/api/auth/users", headers=headers, json={
                "username": f"dr.bench{run_id}.{i}", "password": "bench doctor password",
                "role": "doctor", "full_name": f"Dr Bench {i:03d}", "department": "General",
                "room": str(i)})
        if answer.status_code != 201:
            raise RuntimeError(f"creating a doctor: {answer.status_code} {answer.text}")
        return str(answer.json()["id"])

    ids = list(await asyncio.gather(*(one(i) for i in range(n))))
    async with asyncio.timeout(60):  # auth outbox -> relay -> RabbitMQ -> consumer -> inbox
        while True:
            group.check_alive()
            listed = await appointments.get("/doctors", params={"limit": 100}, headers=headers)
            if listed.status_code == 200 and set(ids) <= {
                    d["id"] for d in listed.json()["items"]}:
                break
            await asyncio.sleep(0.2)
    for doctor in ids:
        answer = await appointments.put(f"/doctors/{doctor}/schedule", headers=headers, json={
            "slot_minutes": load.SLOT_MINUTES, "weekly": load.WEEKLY, "time_off": []})
        if answer.status_code != 200:
            raise RuntimeError(f"setting a schedule: {answer.status_code} {answer.text}")
    return ids


async def insert_patients(conn: asyncpg.Connection, n: int) -> list[str]:
    ids = [str(uuid.uuid4()) for _ in range(n)]
    await conn.execute(
        "INSERT INTO appointments.people (id, role, full_name, active) "
        "SELECT id, 'patient', 'Bench patient', true FROM unnest($1::uuid[]) AS id", ids)
    return ids


def bookings(doctors: list[str], patients: list[str]) -> Iterator[dict[str, Any]]:
    """Staff bookings, each its own (doctor, slot, patient): a new patient every time, so no
    limit is in play and no override is needed."""
    people = iter(patients[20:])
    for _, doctor, _, start in load.slots(doctors):
        yield {"doctor_id": doctor, "start": start, "patient_id": next(people)}


async def book_twenty(appointments: httpx.AsyncClient, api: str, headers: dict[str, str],
                      doctor: str, patients: list[str]) -> None:
    """The list read's doctor: exactly 20 appointments, booked through the API."""
    day = load.clinic_today() + timedelta(days=load.FIRST_DAY)
    for slot, patient in enumerate(patients[:20]):
        answer = await appointments.post(api, headers=headers, json={
            "doctor_id": doctor, "start": load.slot_start(day, slot), "patient_id": patient})
        if answer.status_code != 201:
            raise RuntimeError(f"booking for the list read: {answer.status_code} {answer.text}")


async def synthetic(conn: asyncpg.Connection, first: int, end: int, *, connections: int = 1,
                    dsn: str = "") -> None:
    """Rows [first, end) of the synthetic appointments (and their patients), split over
    ``connections`` parallel sessions; then VACUUM (ANALYZE) and a CHECKPOINT, so that what
    follows meets a table in the state a long-lived one is in, and not the aftermath of a bulk
    load: autovacuum working through a million new rows on one of the two cores, and a
    checkpoint writing the load's dirty pages meanwhile."""
    patients = (min(first, SYNTHETIC_PATIENTS), min(end, SYNTHETIC_PATIENTS))
    await conn.execute(SYNTHETIC_PEOPLE, "patient", *patients)
    if connections == 1:
        await conn.execute(SYNTHETIC, first, end, load.CLINIC_TZ)
    else:
        step = -(-(end - first) // connections)

        async def part(lo: int) -> None:
            other = await asyncpg.connect(dsn)
            try:
                await other.execute(SYNTHETIC, lo, min(lo + step, end), load.CLINIC_TZ,
                                    timeout=600)
            finally:
                await other.close()

        await asyncio.gather(*(part(lo) for lo in range(first, end, step)))
    await conn.execute("VACUUM (ANALYZE) appointments.appointments", timeout=600)
    await conn.execute("VACUUM (ANALYZE) appointments.people", timeout=600)
    await conn.execute("CHECKPOINT", timeout=600)


async def count(conn: asyncpg.Connection) -> int:
    return int(await conn.fetchval("SELECT count(*) FROM appointments.appointments"))


async def bind_sink(amqp_url: str, prefix: str) -> None:
    """A queue bound to every event, standing in for the consumers a full deployment has of
    the events no process here consumes (appointments.*, auth's audit events): without one
    they are unroutable and the relays keep retrying them. It keeps the last 1,000 only."""
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        exchange = await channel.get_exchange(f"{prefix}hms.events", ensure=True)
        sink = await channel.declare_queue(f"{prefix}{SINK}", arguments={"x-max-length": 1000})
        await sink.bind(exchange, "#")


async def delete_broker_objects(amqp_url: str, prefix: str) -> None:
    """The queues and exchanges the processes (and bind_sink) declared under ``prefix``."""
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        queue = f"{prefix}appointments.events"
        retries = (f"{queue}.retry.{ms}" for ms in RetryPolicy().delays_ms)
        for name in (queue, f"{queue}.dlq", *retries, f"{prefix}{SINK}"):
            await channel.queue_delete(name)
        for name in ("hms.events", "hms.dead"):
            await channel.exchange_delete(f"{prefix}{name}")
