"""The `system` part: the whole system through its gateway (whole_system.py), a recording
Twilio (hms_platform.testing.twilio), an open-loop load (whole_load.py). Booking committed ->
SMS at the provider at two steady rates; the same with three notifications consumers; a
backlog drained by one and by three consumers; then the queue's rows (whole_queue.py)."""

from __future__ import annotations

import asyncio
import math
import time
from typing import Any

import aiohttp
import asyncpg
import whole_queue
import whole_seed
import whole_system
from cpu_share import CpuShare
from whole_load import matched, open_loop, settled
from whole_stages import idle, stages

from hms_platform.testing.twilio import RecordingTwilio

BOOKED = "HMS: appointment booked"
DOCTORS = 20  # the booking and check-in doctors; three more hold the line-size rows' lines
RELAY = "appointments-relay"  # stopped while the consumers row's backlog is made
# An acknowledged write's SMS counts as lost once no new SMS has arrived for STALL seconds
STALL = 30.0


async def run(pg_url: str, amqp_url: str, *, seconds: float, rates: tuple[float, float],
              queue_rate: float, sender_interval: float | None) -> dict[str, Any]:
    provider = RecordingTwilio()
    await provider.start()
    try:
        async with whole_system.running(pg_url, amqp_url, provider.url, sender_interval) as sys_:
            return await _measure(sys_, provider, seconds, rates, queue_rate)
    finally:
        await provider.stop()


async def _measure(system: whole_system.System, provider: RecordingTwilio, seconds: float,
                   rates: tuple[float, float], queue_rate: float) -> dict[str, Any]:
    out: dict[str, Any] = {"seconds": seconds, "rates": list(rates), "queue_rate": queue_rate,
                           "sender_interval_s": system.sender_interval}
    connector = aiohttp.TCPConnector(limit=1000)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(system.gateway, connector=connector,
                                     timeout=timeout) as http:
        seeded = time.perf_counter()
        checkins = int(queue_rate * seconds)
        clinic = await whole_seed.open_clinic(
            http, system.admin_password, system.zone, system.admin_dsn,
            doctors=DOCTORS + 3, patients=max(DOCTORS, math.ceil(checkins / DOCTORS)))
        out["seed_seconds"] = time.perf_counter() - seeded
        slots = clinic.booking_slots(clinic.doctors[:DOCTORS])
        out["idle_cpu"] = await idle_cpu(system)
        for rate in rates:
            out[f"book_{rate:g}"] = await booking(http, system, clinic, provider, slots, rate,
                                                  seconds)
        system.group.check_alive()
        await system.consumers(3)
        out[f"book_{rates[-1]:g}_3_consumers"] = await booking(
            http, system, clinic, provider, slots, rates[-1], seconds)
        backlog = int(min(4_000, rates[-1] * seconds / 3))
        for consumers in (1, 3):
            out[f"drain_{consumers}"] = await drain(http, system, clinic, provider, slots,
                                                    backlog, consumers)
        await system.consumers(1)
        system.group.check_alive()
        out.update(await whole_queue.run(http, system, clinic, provider, queue_rate, seconds))
        system.group.check_alive()
    out["rss_kib"] = system.group.rss_kib()
    out["log_problems"] = system.group.log_problems()
    out["provider_refused"] = provider.refused
    return out


async def idle_cpu(system: whole_system.System, seconds: float = 10) -> dict[str, Any]:
    """What the system burns with nothing to do (polls, heartbeats, watchdogs), once idle: the
    part of each row's CPU that is not the load's."""
    await idle(system)
    share = CpuShare.start(system.group, system.database)
    await asyncio.sleep(seconds)
    return share.per_request(1.0)  # "per request" at 1/s: ms of CPU per second


def sender(http: aiohttp.ClientSession, clinic: whole_seed.Clinic, slots: Any,
           patients: list[whole_seed.Person], booked: list[str] | None = None) -> Any:
    """``send(i)``: the i-th patient booked by staff into the next free slot; (status, phone).
    The new appointments' ids go to ``booked``."""
    async def send(i: int) -> tuple[int, str]:
        doctor, start = next(slots)
        async with http.post("/api/appointments", headers=clinic.admin.auth, json={
                "doctor_id": doctor, "start": start, "patient_id": patients[i].id}) as answer:
            body = await answer.json() if answer.status == 201 else None
            if body is not None and booked is not None:
                booked.append(body["id"])
            return answer.status, patients[i].phone

    return send


async def booking(http: aiohttp.ClientSession, system: whole_system.System,
                  clinic: whole_seed.Clinic, provider: RecordingTwilio, slots: Any,
                  rate: float, seconds: float) -> dict[str, Any]:
    """Staff bookings of new patients at ``rate`` for ``seconds`` (open loop); each 201's
    arrival here against its SMS's arrival at the provider (matched by the patient's phone)."""
    patients = await whole_seed.fresh_patients(system.admin_dsn, clinic, int(rate * seconds))
    quiet = await idle(system)
    await clinic.signed_in(http)
    mark, ids = len(provider.taken), list[str]()
    share = CpuShare.start(system.group, system.database)
    drive = await open_loop(rate, seconds, sender(http, clinic, slots, patients, ids))
    acked = {s.key: s.answered for s in drive.acked(201) if s.key and s.answered}

    def booked() -> list[tuple[str, float]]:
        return [(a.to, a.mono) for a in provider.since(mark) if a.body.startswith(BOOKED)]

    waited = await settled(lambda: len({to for to, _ in booked() if to in acked}), len(acked),
                           STALL)
    cpu = share.per_answer(len(acked))  # to the last SMS: the consumers' and sender's work too
    times = sorted(at for _, at in booked())
    return {"drive": drive.summary(), "sms": matched(acked, booked()), "waited_s": waited,
            "sms_per_s": middle_rate(times), "quiet_before_s": quiet,
            "stages_ms": await stages(system.admin_dsn, "booked", ids), "cpu": cpu}


async def drain(http: aiohttp.ClientSession, system: whole_system.System,
                clinic: whole_seed.Clinic, provider: RecordingTwilio, slots: Any, n: int,
                consumers: int) -> dict[str, Any]:
    """``n`` bookings made while appointments' relay is stopped (their events wait in its
    outbox), with ``consumers`` notifications consumers running and ready; then the relay
    started: how fast the consumers turn the burst into messages (rows planned per second,
    from the rows' created_at, between the 10th and the 90th percentile: the start and the
    tail are not counted) and how fast the sender sends them."""
    patients = await whole_seed.fresh_patients(system.admin_dsn, clinic, n)
    quiet = await idle(system)
    await clinic.signed_in(http)
    await system.consumers(consumers)
    await system.stop(RELAY)
    mark = len(provider.taken)
    drive = await open_loop(200, n / 200, sender(http, clinic, slots, patients))
    phones = {s.key for s in drive.acked(201) if s.key}
    await system.run(RELAY)

    def reached() -> set[str]:
        return {a.to for a in provider.since(mark) if a.to in phones}

    waited = await settled(lambda: len(reached()), len(phones), STALL)
    conn = await asyncpg.connect(system.admin_dsn)
    try:
        created = [r[0].timestamp() for r in await conn.fetch(
            "SELECT m.created_at FROM notifications.messages m "
            "JOIN notifications.contacts c ON c.user_id = m.recipient_id "
            "WHERE m.kind = 'appointment_booked' AND m.channel = 'sms' "
            "AND c.phone_number = ANY($1::text[]) ORDER BY m.created_at", list(phones))]
    finally:
        await conn.close()
    sent = sorted(a.mono for a in provider.since(mark)
                  if a.to in phones and a.body.startswith(BOOKED))
    return {"consumers": consumers, "booked": len(phones), "statuses": drive.statuses(),
            "planned": len(created), "sent": len(sent), "lost": len(phones) - len(reached()),
            "waited_s": waited, "quiet_before_s": quiet, "planned_per_s": middle_rate(created),
            "sent_per_s": middle_rate(sent)}


def middle_rate(times: list[float]) -> float | None:
    """Events per second between the 10th and the 90th percentile of their times."""
    if len(times) < 10:
        return None
    lo, hi = times[len(times) // 10], times[len(times) * 9 // 10]
    return (len(times) * 8 // 10) / (hi - lo) if hi > lo else None
