"""`make run` as an operator and a newcomer meet it: stopped as `kill`, systemd or a container
runtime stop it (SIGTERM), and as Ctrl-C does (SIGINT), it shuts down cleanly and nothing it
started is left, its Postgres included; `make seed` fills it with a demo clinic whose printed
logins work."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from hms_platform.testing.infra import free_port
from hms_platform.testing.modules import load_beside
from hms_platform.testing.polling import until_answered
from hms_platform.testing.ports import started_on_free_ports

pytestmark = pytest.mark.e2e


def processes_mentioning(text: str) -> list[str]:
    """Command lines of every running process that mention ``text`` (e.g. a data folder)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # gone meanwhile, or not ours to read
            continue
        if text in cmdline:
            found.append(f"{entry.name}: {cmdline.strip()}")
    return found


async def start(tmp_path: Path, **extra: str) -> tuple[asyncio.subprocess.Process, Path, str]:
    return await started_on_free_ports(lambda: start_once(tmp_path, **extra))


async def start_once(tmp_path: Path, **extra: str
                     ) -> tuple[asyncio.subprocess.Process, Path, str]:
    # Run as root, the embedded Postgres runs as its own system user, which must reach the data
    # folder to stop the server with pg_ctl: pytest's tmp_path lies under a folder only root may
    # enter (a user's clone has no such problem: the server runs as that user).
    port, data = free_port(), Path(tempfile.mkdtemp(prefix="hms-embedded-stop-")) / "data"
    data.parent.chmod(0o755)
    env = {**os.environ, "HMS_PORT": str(port), "HMS_DATA_DIR": str(data),
           "HMS_LOG_LEVEL": "WARNING", **extra}
    if "HMS_ADMIN_PASSWORD" not in extra:
        env.pop("HMS_ADMIN_PASSWORD", None)
    log = (tmp_path / "run.log").open("w")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "hms_embedded", env=env, stdout=log, stderr=subprocess.STDOUT)
    log.close()
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as client, \
            asyncio.timeout(90):
        await until_answered(client, "/api/auth/readyz", died=lambda: proc.returncode is not None
                             and (tmp_path / "run.log").read_text()[-3000:])
    return proc, data, f"http://127.0.0.1:{port}"


async def stop(proc: asyncio.subprocess.Process, sig: signal.Signals) -> int:
    proc.send_signal(sig)
    try:
        async with asyncio.timeout(30):
            return await proc.wait()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_a_stop_signal_leaves_no_process_behind(tmp_path: Path, sig: signal.Signals
                                                      ) -> None:
    proc, data, _ = await start(tmp_path)
    pgdata = str(data / "pgdata")
    assert processes_mentioning(pgdata), "the embedded Postgres should be running"
    code = await stop(proc, sig)
    log = (tmp_path / "run.log").read_text()
    left = processes_mentioning(pgdata)
    for leftover in left:  # never leave one for the next test
        os.kill(int(leftover.split(":")[0]), signal.SIGKILL)
    shutil.rmtree(data.parent, ignore_errors=True)
    assert code == 0, log[-3000:]  # a stop on request is a success
    assert "Traceback" not in log and "[error" not in log, log[-3000:]
    assert left == []


async def test_a_client_holding_half_sent_requests_cannot_starve_the_others(tmp_path: Path
                                                                            ) -> None:
    """`make run` serves users directly: one address holding three times its connection cap
    with half-sent requests (a request line and a header, never finished) gets 429 beyond the
    cap and 408 at the header deadline, while another client is served within a second."""
    proc, data, url = await start(tmp_path, HMS_MAX_CONNECTIONS_PER_CLIENT="40",
                                  HMS_HEADER_TIMEOUT="4")
    port = int(url.rsplit(":", 1)[1])
    held: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
    try:
        for _ in range(120):
            reader, writer = await asyncio.open_connection("127.0.0.1", port,
                                                           local_addr=("127.0.0.2", 0))
            writer.write(b"GET /api/auth/healthz HTTP/1.1\r\nHost: hms\r\n")
            held.append((reader, writer))
        async with httpx.AsyncClient(base_url=url, timeout=1.0) as client:
            for _ in range(10):
                assert (await client.get("/api/auth/healthz")).status_code == 200
        async with asyncio.timeout(30):
            replies = [await reader.read() for reader, _ in held]
        statuses = [reply[9:12] for reply in replies]
        assert statuses.count(b"429") == 80, statuses
        assert statuses.count(b"408") == 40, statuses  # cut at the deadline, none left open
    finally:
        for _, writer in held:
            writer.close()
        await stop(proc, signal.SIGTERM)
        shutil.rmtree(data.parent, ignore_errors=True)


async def test_seed_makes_a_living_clinic_whose_logins_work(tmp_path: Path) -> None:
    proc, data, url = await start(tmp_path)
    try:
        seeding = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "hms_embedded.seed", "--base-url", url, "--data-dir",
            str(data), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        printed, _ = await seeding.communicate()
        assert seeding.returncode == 0, printed.decode()[-3000:]
        logins = json.loads((data / "demo-logins.json").read_text())
        assert stat.S_IMODE((data / "demo-logins.json").stat().st_mode) == 0o600
        assert logins["receptionist"]["password"] in printed.decode()  # printed for the user
        async with httpx.AsyncClient(base_url=url, timeout=10) as client:
            async def token(login: dict[str, str]) -> dict[str, str]:
                answer = await client.post("/api/auth/token", data={
                    "username": login["username"], "password": login["password"]})
                assert answer.status_code == 200, (login["username"], answer.text)
                return {"Authorization": f"Bearer {answer.json()['access_token']}"}

            desk = await token(logins["receptionist"])
            doctors = (await client.get("/api/appointments/doctors", headers=desk)).json()
            assert len(doctors["items"]) == 3
            booked = (await client.get("/api/appointments", headers=desk)).json()["items"]
            # one each, and the patient app's demo patient a second, tomorrow
            assert len(booked) == 7 == logins["appointments"]
            arrived = [a for a in booked if a["status"] == "checked_in"]
            clinic = ZoneInfo("Africa/Nairobi")  # the embedded run's default clinic zone
            today = datetime.now(clinic).date()
            booked_today = [a for a in booked if datetime.fromisoformat(
                a["start"]).astimezone(clinic).date() == today]
            # the first three patients are checked in when their visit is today
            assert 0 < len(arrived) <= 3 if booked_today else arrived == []
            waiting = 0
            for patient in logins["patients"]:
                mine = (await client.get("/api/queue/tickets/mine",
                                         headers=await token(patient))).json()
                waiting += sum(t["status"] == "waiting" for t in mine)
            demo = logins["patient_app"]
            assert demo["url"] == f"{url}/patient/"
            assert demo["username"] == logins["patients"][0]["username"]
            as_demo = await token(demo)
            me = (await client.get("/api/auth/me", headers=as_demo)).json()["id"]
            # each checked-in patient holds a ticket; the demo patient holds one whatever the
            # hour (a walk-in ticket once today's hours are over)
            assert waiting == len(arrived) + (not any(a["patient_id"] == me for a in arrived))
            mine = (await client.get("/api/appointments", headers=as_demo)).json()["items"]
            tomorrow = today + timedelta(days=1)
            assert any(a["status"] == "booked" and datetime.fromisoformat(
                a["start"]).astimezone(clinic).date() == tomorrow for a in mine), mine
            tickets = (await client.get("/api/queue/tickets/mine", headers=as_demo)).json()
            assert [t["status"] for t in tickets] == ["waiting"]
            for doctor in logins["doctors"]:
                await token(doctor)
        again = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "hms_embedded.seed", "--base-url", url, "--data-dir",
            str(data), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        output, _ = await again.communicate()
        assert again.returncode == 0 and b"already seeded" in output
    finally:
        await stop(proc, signal.SIGTERM)
        shutil.rmtree(data.parent, ignore_errors=True)


async def test_the_patient_journey_through_the_embedded_run(tmp_path: Path) -> None:
    journey = load_beside(__file__, "journey.py", "hms_e2e_journey")
    zone = journey.daytime_zone()
    smtp, inbox = journey.smtp_server()
    smtp.start()
    proc, data, url = await start(tmp_path, HMS_ADMIN_PASSWORD="journey-admin-1",
                                  **journey.settings(zone, smtp.port))
    try:
        async with httpx.AsyncClient(base_url=url, timeout=15) as client:
            await journey.walk(client, "journey-admin-1", zone, inbox.messages)
    finally:
        await stop(proc, signal.SIGTERM)
        smtp.stop()
        shutil.rmtree(data.parent, ignore_errors=True)
