"""The `system` part's queue rows. Check-in -> the ticket in the patient's
GET /api/queue/tickets/mine; call-next -> the turn-now SMS at the provider (both open loop);
then call-next and a ticket's position in long lines against a line of 100, one request at a
time. Today's appointments and the long lines are written with SQL (as if booked and queued)."""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from typing import Any

import aiohttp
import asyncpg
import whole_seed
import whole_system
from whole_load import matched, open_loop, percentiles, settled
from whole_stages import idle, stages

from hms_platform.testing.twilio import RecordingTwilio

POLL = 0.05  # seconds between two reads of a patient's tickets
STALL = 30.0  # as whole_rows.STALL
WATCH_FOR = 120.0  # a ticket not in the patient's list after this counts as lost
# Every WATCHED-th check-in's patient reads their tickets: the reads are load on the queue's
# API, and every patient of a 50/s stream reading every 50 ms would be more of it than the
# check-ins themselves (and more still the slower the tickets appear).
WATCHED = 4
TURN = re.compile(r"^HMS: ticket (\S+), it is your turn")
LINES = {"call": (100, 1_000), "position": (100, 10_000)}  # reference line, long line


async def run(http: aiohttp.ClientSession, system: whole_system.System,
              clinic: whole_seed.Clinic, provider: RecordingTwilio, rate: float,
              seconds: float) -> dict[str, Any]:
    doctors = clinic.doctors[:-3]
    out: dict[str, Any] = {"check_in": await check_in(http, system, clinic, doctors, rate, seconds)}
    out["quiet_before_call_next_s"] = await idle(system)
    await clinic.signed_in(http)
    out["call_next"] = await call_next(http, system.admin_dsn, clinic, provider, doctors,
                                       rate, seconds)
    calls = max(20, int(seconds * 4))
    small, call_large, position_large = clinic.doctors[-3:]
    day = clinic.today()
    await seed_line(system.admin_dsn, small.id, day, "X", LINES["call"][0] + calls)
    await seed_line(system.admin_dsn, call_large.id, day, "Y", LINES["call"][1] + calls)
    await seed_line(system.admin_dsn, position_large.id, day, "Z", LINES["position"][1])
    await clinic.signed_in(http)
    out["call_next_100"] = await calls_in_a_row(http, small, calls)
    out["call_next_1000"] = await calls_in_a_row(http, call_large, calls)
    lookups = max(50, int(seconds * 8))
    out["position_100"] = await positions(http, system, clinic, small.id, lookups)
    out["position_10000"] = await positions(http, system, clinic, position_large.id, lookups)
    return out


async def check_in(http: aiohttp.ClientSession, system: whole_system.System,
                   clinic: whole_seed.Clinic, doctors: list[whole_seed.Person], rate: float,
                   seconds: float) -> dict[str, Any]:
    """Reception checks in today's appointments at ``rate``; every WATCHED-th patient reads
    their tickets every POLL seconds from the 200 on, until the new ticket is there."""
    n = int(rate * seconds)
    appointments = await todays_appointments(system.admin_dsn, clinic, doctors, n)
    quiet = await idle(system)
    await clinic.signed_in(http, patients=True)
    visible: list[tuple[str, float]] = []
    polls: set[asyncio.Task[None]] = set()

    async def watch(appointment: str, patient: whole_seed.Person) -> None:
        deadline = time.perf_counter() + WATCH_FOR
        while time.perf_counter() < deadline:
            try:
                async with http.get("/api/queue/tickets/mine", headers=patient.auth) as answer:
                    tickets = await answer.json() if answer.status == 200 else []
            except (aiohttp.ClientError, TimeoutError):
                tickets = []
            if any(t["appointment_id"] == appointment for t in tickets):
                visible.append((appointment, time.perf_counter()))
                return
            await asyncio.sleep(POLL)

    async def send(i: int) -> tuple[int, str]:
        appointment, patient = appointments[i]
        async with http.post(f"/api/appointments/{appointment}/check-in",
                             headers=clinic.admin.auth) as answer:
            await answer.read()
        if answer.status == 200 and i % WATCHED == 0:
            polls.add(asyncio.create_task(watch(appointment, patient)))
        return answer.status, appointment

    drive = await open_loop(rate, seconds, send)
    await asyncio.gather(*polls)
    acked = {s.key: s.answered for s in drive.acked(200) if s.key and s.answered}
    sampled = {appointment for appointment, _ in appointments[::WATCHED]}
    watched = {key: at for key, at in acked.items() if key in sampled}
    return {"drive": drive.summary(), "visible": matched(watched, visible), "poll_s": POLL,
            "watched_every": WATCHED, "quiet_before_s": quiet,
            "stages_ms": await stages(system.admin_dsn, "checked_in", list(acked))}


async def todays_appointments(dsn: str, clinic: whole_seed.Clinic,
                              doctors: list[whole_seed.Person], n: int
                              ) -> list[tuple[str, whole_seed.Person]]:
    """``n`` appointments today, booked: the i-th is patient i // D's with doctor i % D, at
    04:00 + ((p + d) mod P) * 5 minutes (P patients), so no doctor and no patient is booked
    twice at once and a patient sees each doctor once; in check-in order."""
    day, patients = clinic.today(), clinic.patients
    rows, order = [], []
    for i in range(n):
        p, d = divmod(i, len(doctors))
        start = clinic.at(day, 240 + ((p + d) % len(patients)) * 5)
        rows.append((uuid.uuid4(), uuid.UUID(patients[p].id), uuid.UUID(doctors[d].id), start))
        order.append((str(rows[-1][0]), patients[p]))
    conn = await asyncpg.connect(dsn)
    try:
        await conn.executemany(
            "INSERT INTO appointments.appointments (id, patient_id, doctor_id, start_at, end_at,"
            " status, urgency, booked_by, created_at, clinic_day) VALUES"
            " ($1, $2, $3, $4::timestamptz, $4::timestamptz + interval '5 minutes', 'booked', 3,"
            " $3, now(), $5)",
            [(*row, day) for row in rows])
    finally:
        await conn.close()
    return order


async def call_next(http: aiohttp.ClientSession, dsn: str, clinic: whole_seed.Clinic,
                    provider: RecordingTwilio, doctors: list[whole_seed.Person], rate: float,
                    seconds: float) -> dict[str, Any]:
    """The doctors take turns calling their next ticket at ``rate`` in all (each serves the
    one they called before first); each call's 200 here against the patient's turn-now SMS
    (matched by phone and ticket label)."""
    phones = {p.id: p.phone for p in clinic.patients}
    current: dict[str, str | None] = {d.id: None for d in doctors}
    turns = {d.id: asyncio.Lock() for d in doctors}
    mark, called, took = len(provider.taken), list[str](), list[float]()

    async def send(i: int) -> tuple[int, str | None]:
        doctor = doctors[i % len(doctors)]
        async with turns[doctor.id]:
            if current[doctor.id]:
                async with http.post(f"/api/queue/tickets/{current[doctor.id]}/serve",
                                     headers=doctor.auth) as answer:
                    await answer.read()
                current[doctor.id] = None
            began = time.perf_counter()
            async with http.post(f"/api/queue/doctors/{doctor.id}/call-next",
                                 headers=doctor.auth) as answer:
                ticket = await answer.json() if answer.status == 200 else None
            took.append(1000 * (time.perf_counter() - began))
            if ticket is None:
                return answer.status, None
            current[doctor.id] = ticket["id"]
            called.append(ticket["id"])
            return answer.status, f"{phones.get(ticket['patient_id'])}|{ticket['label']}"

    drive = await open_loop(rate, seconds, send)
    acked = {s.key: s.answered for s in drive.acked(200) if s.key and s.answered}

    def turned() -> list[tuple[str, float]]:
        return [(f"{a.to}|{m.group(1)}", a.mono) for a in provider.since(mark)
                if (m := TURN.match(a.body))]

    waited = await settled(lambda: len({k for k, _ in turned() if k in acked}), len(acked),
                           STALL)
    summary = drive.summary()
    # the call's own latency: a doctor's turn also waits for their previous call and serves
    # the ticket before (that whole wait is in "request_with_turn")
    summary["request_with_turn"], summary["request"] = summary["request"], percentiles(took)
    return {"drive": summary, "sms": matched(acked, turned()), "waited_s": waited,
            "stages_ms": await stages(dsn, "called", called)}


async def seed_line(dsn: str, doctor: str, day: Any, letter: str, waiting: int) -> None:
    """``waiting`` walk-in tickets in ``doctor``'s line today, a second apart."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "INSERT INTO queue.lines (doctor_id, clinic_day, letter, last_number)"
            " VALUES ($1, $2, $3, $4)", uuid.UUID(doctor), day, letter, waiting)
        await conn.execute(
            "INSERT INTO queue.tickets (id, doctor_id, clinic_day, letter, number, patient_id,"
            " urgency, source, status, arrived_at, queued_at)"
            " SELECT gen_random_uuid(), $1, $2, $3, n, gen_random_uuid(), 3, 'walk_in',"
            " 'waiting', t, t FROM generate_series(1, $4::int) AS n,"
            " LATERAL (SELECT now() - ($4::int - n) * interval '1 second' AS t) AS at_",
            uuid.UUID(doctor), day, letter, waiting)
        await conn.execute("VACUUM (ANALYZE) queue.tickets")
    finally:
        await conn.close()


async def calls_in_a_row(http: aiohttp.ClientSession, doctor: whole_seed.Person, n: int
                         ) -> dict[str, Any]:
    """``n`` calls, one at a time (each after serving the one before); the call's latency."""
    took: list[float] = []
    statuses: dict[str, int] = {}
    current = None
    for _ in range(n):
        if current:
            async with http.post(f"/api/queue/tickets/{current}/serve",
                                 headers=doctor.auth) as answer:
                await answer.read()
        started = time.perf_counter()
        async with http.post(f"/api/queue/doctors/{doctor.id}/call-next",
                             headers=doctor.auth) as answer:
            ticket = await answer.json() if answer.status == 200 else None
        took.append(1000 * (time.perf_counter() - started))
        statuses[str(answer.status)] = statuses.get(str(answer.status), 0) + 1
        current = ticket["id"] if ticket else None
    return {**percentiles(took), "statuses": statuses}


async def positions(http: aiohttp.ClientSession, system: whole_system.System,
                    clinic: whole_seed.Clinic, doctor: str, n: int) -> dict[str, Any]:
    """The last waiting ticket of ``doctor``'s line read by staff ``n`` times, one at a time
    (its position is counted on every read)."""
    conn = await asyncpg.connect(system.admin_dsn)
    try:
        last = await conn.fetchval(
            "SELECT id FROM queue.tickets WHERE doctor_id = $1 AND status = 'waiting'"
            " ORDER BY number DESC LIMIT 1", uuid.UUID(doctor))
    finally:
        await conn.close()
    took: list[float] = []
    statuses: dict[str, int] = {}
    position = None
    for _ in range(n):
        started = time.perf_counter()
        async with http.get(f"/api/queue/tickets/{last}", headers=clinic.admin.auth) as answer:
            body = await answer.json() if answer.status == 200 else {}
        took.append(1000 * (time.perf_counter() - started))
        statuses[str(answer.status)] = statuses.get(str(answer.status), 0) + 1
        position = body.get("position", position)
    return {**percentiles(took), "statuses": statuses, "position": position}
