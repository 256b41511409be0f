"""Issue #20 item 5 through the real gateway (HAProxy, deploy/haproxy/haproxy.cfg) in front of
the local-process run (`make run`'s process: every service, its relays and consumers): the desk
registers a walk-in and asks for their ticket at once, with no pause between the two requests.
With the `voucher` auth answers the queue issues it before auth's event arrives; without it,
the queue waits (a bounded time) for that event instead of answering 404."""

from __future__ import annotations

import shutil
import signal
import uuid
from pathlib import Path

import httpx
import pytest

from hms_platform.testing.haproxy import start_haproxy
from hms_platform.testing.haproxy import stop_process as stop
from hms_platform.testing.modules import load_beside
from hms_platform.testing.polling import eventually

pytestmark = pytest.mark.e2e
RUN = load_beside(__file__, "test_embedded_run.py", "hms_e2e_embedded_run")
JOURNEY = load_beside(__file__, "journey.py", "hms_e2e_journey")
CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "haproxy" / "haproxy.cfg"
ADMIN = "walk-in-admin-password-1"
SERVICES = ("AUTH", "APPOINTMENTS", "QUEUE", "NOTIFICATIONS", "REPORTING", "SYNC")


def phone() -> str:
    return f"+2547{uuid.uuid4().int % 10**8:08d}"


async def test_a_walk_in_registered_at_the_desk_gets_a_ticket_at_once(tmp_path: Path) -> None:
    proc, data, url = await RUN.start(tmp_path, HMS_ADMIN_PASSWORD=ADMIN,
                                      QUEUE_PATIENT_WAIT_SECONDS="20")
    backend = url.removeprefix("http://")
    haproxy = None
    try:
        haproxy = await start_haproxy(CONFIG, {f"HMS_{name}_ADDR": backend
                                               for name in SERVICES}, tmp_path / "haproxy.log")
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{haproxy.port}",
                                     timeout=30) as http:
            c = JOURNEY.Client(http)
            admin = await c.token("admin", ADMIN)
            doctor = await c.call("POST", "/api/auth/users", admin, 201, json={
                "username": "drwalkin", "password": "doctor-password-1", "role": "doctor",
                "full_name": "Dr Walk-In", "department": "General", "room": "7"})
            async def doctor_known() -> bool:  # the queue has heard of the doctor (its line
                line = await c.call("GET", f"/api/queue/doctors/{doctor['id']}", admin)
                return line["doctor_name"] is not None  # answers before, with no name)
            await eventually(doctor_known, timeout=60, interval=0.2)

            # with the voucher: the ticket right after the registration
            walk_in = await c.call("POST", "/api/auth/patients", admin, 201, json={
                "phone_number": phone(), "full_name": "Wanjiru Kamau"})
            ticket = await c.call("POST", "/api/queue/tickets", admin, 201, json={
                "patient_id": walk_in["id"], "doctor_id": doctor["id"],
                "patient_voucher": walk_in["voucher"]})
            assert ticket["patient_id"] == walk_in["id"] and ticket["status"] == "waiting"

            # without it: the queue waits for auth's event rather than answering 404
            other = await c.call("POST", "/api/auth/patients", admin, 201, json={
                "phone_number": phone(), "full_name": "Otieno Odhiambo"})
            second = await c.call("POST", "/api/queue/tickets", admin, 201, json={
                "patient_id": other["id"], "doctor_id": doctor["id"]})
            assert second["patient_id"] == other["id"]

            line = await c.call("GET", f"/api/queue/doctors/{doctor['id']}", admin)
            assert [w["patient_name"] for w in line["waiting"]] == [
                "Wanjiru Kamau", "Otieno Odhiambo"]
    finally:
        if haproxy is not None:
            await stop(haproxy.process)
        await RUN.stop(proc, signal.SIGTERM)
        shutil.rmtree(data.parent, ignore_errors=True)
