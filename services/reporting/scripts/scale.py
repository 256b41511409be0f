"""Reports over a million appointments: fills a scratch database by SQL, then times every
report (through the real HTTP app, as an admin) over 30 days, a year and two years.

    .tools/bin/uv run --frozen python services/reporting/scripts/scale.py [--appointments N]

It creates the database ``--database`` (default ``hms_reporting_scale``) on the server of
``--admin-url`` (default: the local Postgres as ``postgres``), migrates it, fills it
(appointments over two years, with doctors and patients, tickets, penalties, notifications: in
proportion), runs VACUUM (ANALYZE), then answers each report ``--runs`` times and prints the
best and the median, in milliseconds. The database is dropped afterwards unless ``--keep``."""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import date, timedelta

import asyncpg
import httpx

from hms_platform.db import make_engine
from hms_platform.migrations import upgrade
from hms_platform.testing.tokens import TokenFactory
from hms_reporting import MIGRATIONS
from hms_reporting.config import ReportingSettings
from hms_reporting.entrypoints.api.app import create_app

END = date(2026, 3, 1)
DAYS = 730
FILL = [
    # people: doctors 1..D, patients after them (ids from numbers, so rows can refer to them);
    # the numbers are the script's own, formatted in
    """INSERT INTO reporting.people (user_id, full_name, role)
       SELECT md5('p' || i)::uuid, CASE WHEN i <= {doctors} THEN 'Dr ' ELSE 'Patient ' END || i,
              CASE WHEN i <= {doctors} THEN 'doctor' ELSE 'patient' END
       FROM generate_series(1, {doctors} + {patients}) i""",
    """INSERT INTO reporting.appointments (appointment_id, patient_id, doctor_id, start, day,
                                           status, status_rank)
       SELECT gen_random_uuid(), md5('p' || ({doctors} + 1 + (i * 7919) % {patients}))::uuid,
              md5('p' || (1 + i % {doctors}))::uuid, s, s::date,
              (ARRAY['completed','completed','completed','completed','completed','no_show',
                     'cancelled','booked','checked_in','completed'])[1 + i % 10],
              (ARRAY[2,2,2,2,2,2,2,0,1,2])[1 + i % 10]
       FROM generate_series(1::bigint, {n}) i,
            LATERAL (SELECT '{end}'::date - (i % {days})::int
                            + make_interval(hours => (8 + i % 9)::int) AS s) t""",
    """INSERT INTO reporting.tickets (ticket_id, patient_id, doctor_id, first_at, day, status,
                                      status_rank, waited_seconds, service_seconds)
       SELECT gen_random_uuid(), md5('p' || ({doctors} + 1 + (i * 31) % {patients}))::uuid,
              md5('p' || (1 + i % {doctors}))::uuid, '{end}'::date - (i % {days})::int,
              '{end}'::date - (i % {days})::int,
              CASE WHEN i % 8 = 0 THEN 'missed' ELSE 'served' END, 2,
              CASE WHEN i % 8 = 0 THEN NULL ELSE 60 + (i * 37) % 3600 END,
              CASE WHEN i % 8 = 0 THEN NULL ELSE 300 + (i * 13) % 1200 END
       FROM generate_series(1::bigint, {n} / 3) i""",
    """INSERT INTO reporting.penalties (penalty_id, patient_id, doctor_id, applied_day, waived)
       SELECT gen_random_uuid(), md5('p' || ({doctors} + 1 + (i * 7919) % {patients}))::uuid,
              md5('p' || (1 + i % {doctors}))::uuid, '{end}'::date - (i % {days})::int, i % 4 = 0
       FROM generate_series(1::bigint, {n} / 10) i""",
    """INSERT INTO reporting.notifications (notification_id, recipient_id, channel, kind,
                                            dedup_key, first_at, day, status, attempts)
       SELECT gen_random_uuid(), md5('p' || ({doctors} + 1 + i % {patients}))::uuid,
              (ARRAY['sms','push','email'])[1 + i % 3],
              (ARRAY['appointment_booked','appointment_reminder','turn_now'])[1 + i % 3 / 1],
              'k' || (i / 2), '{end}'::date - (i % {days})::int, '{end}'::date - (i % {days})::int,
              CASE WHEN i % 20 = 0 THEN 'failed' ELSE 'sent' END, 1
       FROM generate_series(1::bigint, {n} / 2) i""",
]
REPORTS = ["appointments?group_by=day", "appointments?group_by=doctor",
           "appointments?group_by=status", "no-shows?group_by=doctor",
           "no-shows?group_by=patient", "no-shows?group_by=day", "penalties?group_by=patient",
           "penalties?group_by=doctor", "queue?", "notifications?"]


async def prepare(admin_url: str, database: str, appointments: int) -> str:
    admin = await asyncpg.connect(admin_url)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{database}"')
    finally:
        await admin.close()
    base = admin_url.rsplit("/", 1)[0]
    url = f"{base}/{database}"
    engine = make_engine(url.replace("postgresql://", "postgresql+asyncpg://"), pool_size=1)
    await upgrade(engine, MIGRATIONS)
    await engine.dispose()
    conn = await asyncpg.connect(url)
    try:
        doctors, patients = 200, max(appointments // 10, 10)
        for statement in FILL:
            started = time.perf_counter()
            await conn.execute(statement.format(n=appointments, doctors=doctors,
                                                patients=patients, end=END, days=DAYS))
            print(f"  filled in {time.perf_counter() - started:6.1f} s: {statement.split()[2]}")
        await conn.execute("VACUUM (ANALYZE)")
    finally:
        await conn.close()
    return url


async def measure(url: str, runs: int) -> None:
    settings = ReportingSettings(environment="test",
                                 database_url=url.replace("postgresql://",
                                                          "postgresql+asyncpg://"))
    tokens = TokenFactory()
    verifier = tokens.verifier()
    engine = make_engine(settings.database_url.get_secret_value(), pool_size=2)
    app = create_app(settings, engine=engine, token_verifier=verifier)
    admin = {"Authorization": f"Bearer {tokens.issue(role='admin')}"}
    periods = {"30 days": 30, "1 year": 365, "2 years": DAYS}
    print(f"{'report':32} {'period':8} {'rows':>6} {'best ms':>8} {'median ms':>10}")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://scale") as client:
        for report in REPORTS:
            for label, days in periods.items():
                start = END - timedelta(days=days - 1)
                path = f"/api/reports/{report}&from={start}&to={END}"
                times, rows = [], 0
                for _ in range(runs):
                    started = time.perf_counter()
                    answer = await client.get(path, headers=admin)
                    times.append((time.perf_counter() - started) * 1000)
                    answer.raise_for_status()
                    rows = len(answer.json()["rows"])
                print(f"{report:32} {label:8} {rows:6} {min(times):8.0f} "
                      f"{statistics.median(times):10.0f}")
    await engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--database", default="hms_reporting_scale")
    parser.add_argument("--appointments", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    print(f"filling {args.appointments:,} appointments ...")
    url = await prepare(args.admin_url, args.database, args.appointments)
    try:
        await measure(url, args.runs)
    finally:
        if not args.keep:
            admin = await asyncpg.connect(args.admin_url)
            await admin.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
            await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
