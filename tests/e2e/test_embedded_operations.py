"""A small clinic's operations on `make run`: a seeded clinic backed up while it serves and
while it is stopped, restored into a fresh data folder and served over HTTPS with the same
patients, appointments, lines, audit trail and passwords; and an upgrade: a data folder one
migration behind in every schema is brought to head at start, its data intact."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import ssl
import stat
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import create_async_engine

from hms_embedded import postgres
from hms_embedded.backup import KEYS, embedded_uri, schema_versions
from hms_platform.migrations import alembic_config
from hms_platform.testing.infra import free_port
from hms_platform.testing.polling import eventually, until_answered
from hms_platform.testing.ports import started_on_free_ports
from hms_system.manifest import SYSTEM

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS = {s.name: ROOT / "services" / s.name / "migrations" for s in SYSTEM.services}
Run = tuple[asyncio.subprocess.Process, str, Path]


async def start(data: Path, log: Path, scheme: str = "http", **extra: str) -> Run:
    return await started_on_free_ports(lambda: start_once(data, log, scheme, **extra))


async def start_once(data: Path, log: Path, scheme: str, **extra: str) -> Run:
    port = free_port()
    env = {**os.environ, "HMS_PORT": str(port), "HMS_DATA_DIR": str(data),
           "HMS_LOG_LEVEL": "WARNING", **extra}
    env.pop("HMS_ADMIN_PASSWORD", None)
    with log.open("w") as out:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "hms_embedded", env=env, stdout=out, stderr=subprocess.STDOUT)
    verify: Any = True
    if scheme == "https":  # made at first start, before the server listens
        await eventually(lambda: (data / "tls.pem").exists() or proc.returncode is not None,
                         timeout=60, interval=0.2)  # (a run that died is reported below)
        verify = ssl.create_default_context(cafile=str(data / "tls.pem"))
    async with httpx.AsyncClient(base_url=f"{scheme}://127.0.0.1:{port}", timeout=5,
                                 verify=verify) as client, asyncio.timeout(90):
        await until_answered(client, "/api/auth/readyz", died=lambda: proc.returncode is not None
                             and log.read_text()[-3000:])
    return proc, f"{scheme}://127.0.0.1:{port}", log


async def stop(run: Run) -> None:
    proc = run[0]
    if proc.returncode is None:
        proc.send_signal(signal.SIGTERM)
        try:
            async with asyncio.timeout(30):
                await proc.wait()
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()


def tool(module: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", module, *args], capture_output=True, text=True,
                          timeout=120)


async def snapshot(url: str, data: Path, logins: dict[str, Any], verify: Any = True
                   ) -> dict[str, Any]:
    """What the clinic holds, as its users see it; every sign-in with the seeded passwords."""
    async with httpx.AsyncClient(base_url=url, timeout=15, verify=verify) as client:
        async def bearer(username: str, password: str) -> dict[str, str]:
            answer = await client.post("/api/auth/token",
                                       data={"username": username, "password": password})
            assert answer.status_code == 200, (username, answer.text)
            return {"Authorization": f"Bearer {answer.json()['access_token']}"}

        async def get(path: str, headers: dict[str, str]) -> Any:
            answer = await client.get(path, headers=headers)
            assert answer.status_code == 200, (path, answer.text)
            return answer.json()

        admin = await bearer("admin", (data / "admin-password").read_text().strip())
        desk = await bearer(logins["receptionist"]["username"],
                            logins["receptionist"]["password"])
        users = sorted(u["username"] for u in (await get("/api/auth/users", admin))["items"])
        booked = sorted((a["id"], a["status"], a["start"], a["doctor_id"], a["patient_id"])
                        for a in (await get("/api/appointments", desk))["items"])
        lines = {}
        for doctor in (await get("/api/appointments/doctors", desk))["items"]:
            line = await get(f"/api/queue/doctors/{doctor['id']}", desk)
            lines[doctor["id"]] = ([t["id"] for t in line["waiting"]], line["total_waiting"])
        tickets = {}
        for patient in logins["patients"]:
            mine = await get("/api/queue/tickets/mine",
                             await bearer(patient["username"], patient["password"]))
            tickets[patient["username"]] = sorted((t["id"], t["status"]) for t in mine)
        for doctor in logins["doctors"]:
            await bearer(doctor["username"], doctor["password"])
        audit = await get("/api/audit", admin)
        trail = {json.dumps(entry, sort_keys=True) for entry in audit["items"]}
    return {"users": users, "appointments": booked, "lines": lines, "tickets": tickets,
            "audit": trail}


def one_migration_back(pgdata: Path) -> dict[str, str]:
    """Downgrade every schema by one migration (as an older HMS left it); return the heads."""
    server, uri = postgres.start(pgdata)
    heads = {}
    try:
        async def downgrade() -> None:
            engine = create_async_engine(postgres.database_url(uri, "hms"))
            try:
                for schema, folder in MIGRATIONS.items():
                    cfg = alembic_config(folder)
                    heads[schema] = ScriptDirectory.from_config(cfg).get_current_head()

                    def back(connection: sa.Connection, cfg: Any = cfg) -> None:
                        cfg.attributes["connection"] = connection
                        command.downgrade(cfg, "-1")

                    async with engine.begin() as conn:
                        await conn.run_sync(back)
            finally:
                await engine.dispose()

        asyncio.run(downgrade())
        behind = asyncio.run(schema_versions(embedded_uri(uri)))
    finally:
        postgres.stop(server)
    assert all(behind.get(s) != heads[s] for s in heads), behind  # (a first migration: none)
    return heads


def reachable_folder() -> Path:
    """The embedded Postgres runs as its own user when tests run as root: it must reach the
    folders (see test_embedded_run.py)."""
    base = Path(tempfile.mkdtemp(prefix="hms-operations-"))
    base.chmod(0o755)
    return base


async def test_backup_restore_https_and_upgrade(tmp_path: Path) -> None:
    base = reachable_folder()
    first, restored = base / "first", base / "restored"
    online, offline = tmp_path / "online.tar", tmp_path / "offline.tar"
    runs: list[Run] = []
    try:
        runs.append(await start(first, tmp_path / "first.log"))
        url = runs[0][1]
        seeding = tool("hms_embedded.seed", "--base-url", url, "--data-dir", str(first))
        assert seeding.returncode == 0, seeding.stdout[-3000:] + seeding.stderr[-3000:]
        logins = json.loads((first / "demo-logins.json").read_text())
        before = await snapshot(url, first, logins)
        assert before["appointments"] and any(before["tickets"].values()) and before["audit"]

        made = tool("hms_embedded.backup", "--data-dir", str(first), "--out", str(online))
        assert made.returncode == 0, made.stderr
        assert stat.S_IMODE(online.stat().st_mode) == 0o600
        with tarfile.open(online) as tar:
            assert {*KEYS, "hms.dump", "hms-backup.json"} <= set(tar.getnames())
            for key in KEYS:
                member = tar.extractfile(key)
                assert member is not None
                assert member.read() == (first / key).read_bytes()
        refused = tool("hms_embedded.restore", str(online), "--data-dir", str(first), "--force")
        assert refused.returncode == 1
        assert refused.stderr.strip() == f"restore: make run is running on {first}: stop it first"
        assert (await until_ok(url)), "the backup must leave make run serving"
        await stop(runs.pop())

        made = tool("hms_embedded.backup", "--data-dir", str(first), "--out", str(offline))
        assert made.returncode == 0, made.stderr
        assert not postgres.running(first / "pgdata")  # the Postgres it started is stopped
        refused = tool("hms_embedded.restore", str(offline), "--data-dir", str(first))
        assert refused.returncode == 1 and len(refused.stderr.strip().splitlines()) == 1
        assert "already holds a database" in refused.stderr

        done = tool("hms_embedded.restore", str(online), "--data-dir", str(restored))
        assert done.returncode == 0, done.stderr
        heads = await asyncio.to_thread(one_migration_back, first / "pgdata")

        https_log = tmp_path / "restored-hms.log"
        runs.extend(await asyncio.gather(
            start(restored, tmp_path / "restored.log", "https", HMS_TLS="self-signed",
                  HMS_LOG_LEVEL="INFO", HMS_LOG_FILE=str(https_log)),
            start(first, tmp_path / "upgraded.log")))
        (https_url, upgraded_url) = (runs[0][1], runs[1][1])
        cert = ssl.create_default_context(cafile=str(restored / "tls.pem"))
        async with httpx.AsyncClient(verify=cert) as client:
            jwks = await client.get(f"{https_url}/api/auth/.well-known/jwks.json")
            assert jwks.status_code == 200 and jwks.json()["keys"]
        after = await snapshot(https_url, restored, logins, verify=cert)
        assert {k: after[k] for k in ("users", "appointments", "lines", "tickets")} == {
            k: before[k] for k in ("users", "appointments", "lines", "tickets")}
        assert before["audit"] <= after["audit"]  # the same trail (and the new sign-ins)
        assert "embedded.ready" in https_log.read_text() and "https://" in https_log.read_text()

        upgraded = await snapshot(upgraded_url, first, logins)
        assert upgraded["users"] == before["users"]
        assert upgraded["appointments"] == before["appointments"]
        assert upgraded["tickets"] == before["tickets"]
        assert before["audit"] <= upgraded["audit"]
        server, uri = postgres.start(first / "pgdata")  # make run's, attached
        try:
            assert await schema_versions(embedded_uri(uri)) == heads
        finally:
            postgres.stop(server)
    finally:
        for run in runs:
            await stop(run)
        shutil.rmtree(base, ignore_errors=True)


async def until_ok(url: str) -> bool:
    async with httpx.AsyncClient(base_url=url, timeout=5) as client:
        return (await client.get("/api/auth/readyz")).status_code == 200
