"""HMS in its embedded shape (`make run`): `python -m hms_embedded`, one process with both
services on one port, its own embedded Postgres in a temporary data folder and the in-memory
bus; staff bookings under the same wrk load as the baseline's POST /insert.

Patients are walk-ins through POST /api/auth/patients (each costs an Argon2 hash, so only
SLOTS_PER_DAY of them). Bookings form a Latin square: on each clinic day, doctor d sees
patient p at slot (p + d) mod 95, so (doctor, slot, patient) is distinct, no doctor or patient
is in two places at once and a patient sees a doctor once a day. Each patient then holds
hundreds of future bookings, past the limit of 3, so every body carries `override_reason`.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import load
import profiling
from deployed import create_doctors, sign_in

NAME = "embedded"
DOCTORS = 20
PATIENTS = load.SLOTS_PER_DAY
OVERRIDE = "bench: load test past the limit"


async def run() -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix="hms-bench-data-"))
    try:
        async with load.servers(NAME) as group:
            group.stop_signal = signal.SIGINT  # as Ctrl-C on `make run`
            return await _run(group, data_dir)
    finally:
        stop_leftover_postgres(data_dir / "pgdata")
        await asyncio.to_thread(shutil.rmtree, data_dir, ignore_errors=True)


async def _run(group: load.Servers, data_dir: Path) -> dict[str, Any]:
    port = load.free_port()
    env = load.env(HMS_PORT=str(port), HMS_DATA_DIR=str(data_dir), HMS_LOG_LEVEL="WARNING",
                   APPOINTMENTS_CLINIC_TIMEZONE=load.CLINIC_TZ)
    for name in ("HMS_ADMIN_USERNAME", "HMS_ADMIN_PASSWORD"):
        env.pop(name, None)
    started = time.perf_counter()
    await group.start("hms-embedded", [sys.executable, "-m", "hms_embedded"], env)
    base = f"http://127.0.0.1:{port}"
    await group.wait_ready(f"{base}/api/auth/readyz", timeout=120)
    await group.wait_ready(f"{base}/api/appointments/readyz")
    out: dict[str, Any] = {"start_seconds": time.perf_counter() - started}
    auth = httpx.AsyncClient(base_url=base, timeout=30)
    api = f"{base}/api/appointments"
    appointments = httpx.AsyncClient(base_url=api, timeout=30)
    try:
        seeded = time.perf_counter()
        password = (data_dir / "admin-password").read_text().strip()
        headers = {"Authorization": f"Bearer {await sign_in(auth, 'admin', password)}"}
        doctors = await create_doctors(auth, appointments, headers, DOCTORS, group)
        patients = await walk_ins(auth, headers, PATIENTS)
        await wait_in_directory(appointments, api, headers, doctors[0], patients, group)
        out["seed_seconds"] = time.perf_counter() - seeded
        async with profiling.profiled("embedded-book", group.running["hms-embedded"].pid,
                                      load.WARM_SECONDS + load.SECONDS):
            out["book"] = await load.load_with_bodies(api, bookings(doctors, patients),
                                                      group.workdir, "book",
                                                      auth=headers["Authorization"])
        out["rss_kib"] = group.rss_kib()
        group.check_alive()
        out["log_problems"] = group.log_problems()
        return out
    finally:
        await auth.aclose()
        await appointments.aclose()


async def walk_ins(auth: httpx.AsyncClient, headers: dict[str, str], n: int) -> list[str]:
    hashing = asyncio.Semaphore(2)  # the activation code's Argon2 hash

    async def one(i: int) -> str:
        async with hashing:
            answer = await auth.post("/api/auth/patients", headers=headers, json={
                "phone_number": f"+2547{11_000_000 + i}", "full_name": f"Walk-in {i:03d}"})
        if answer.status_code != 201:
            raise RuntimeError(f"a walk-in patient: {answer.status_code} {answer.text}")
        return str(answer.json()["id"])

    return list(await asyncio.gather(*(one(i) for i in range(n))))


async def wait_in_directory(appointments: httpx.AsyncClient, api: str,
                            headers: dict[str, str], doctor: str, patients: list[str],
                            group: load.Servers) -> None:
    """A patient reaches appointments through auth.user_registered.v1: book each once, with
    the first doctor on the day before the measured ones, until it is no longer 404."""
    day = load.clinic_today() + timedelta(days=load.FIRST_DAY - 1)
    async with asyncio.timeout(60):
        for slot, patient in enumerate(patients):
            body = {"doctor_id": doctor, "start": load.slot_start(day, slot),
                    "patient_id": patient}
            while (answer := await appointments.post(api, headers=headers, json=body)
                   ).status_code == 404:
                group.check_alive()
                await asyncio.sleep(0.2)
            if answer.status_code != 201:
                raise RuntimeError(f"a first booking: {answer.status_code} {answer.text}")


def bookings(doctors: list[str], patients: list[str]) -> Iterator[dict[str, Any]]:
    for d, doctor, slot, start in load.slots(doctors):
        yield {"doctor_id": doctor, "start": start,
               "patient_id": patients[(slot - d) % len(patients)],
               "override_reason": OVERRIDE}


def stop_leftover_postgres(pgdata: Path) -> None:
    """The embedded Postgres stops with its process; should that process have been killed,
    stop the server it left (its pid is in postmaster.pid)."""
    with contextlib.suppress(OSError, ValueError):
        pid = int((pgdata / "postmaster.pid").read_text().split()[0])
        os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            os.kill(pid, 0)
            time.sleep(0.1)

