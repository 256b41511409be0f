"""`make run` stopped as `kill`, systemd or a container runtime stop it (SIGTERM), and as Ctrl-C
does (SIGINT): it shuts down cleanly, and nothing it started is left, its Postgres included."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
import pytest

from hms_platform.testing.infra import free_port

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


async def start(tmp_path: Path) -> tuple[asyncio.subprocess.Process, Path]:
    # Run as root, the embedded Postgres runs as its own system user, which must reach the data
    # folder to stop the server with pg_ctl: pytest's tmp_path lies under a folder only root may
    # enter (a user's clone has no such problem: the server runs as that user).
    port, data = free_port(), Path(tempfile.mkdtemp(prefix="hms-embedded-stop-")) / "data"
    data.parent.chmod(0o755)
    env = {**os.environ, "HMS_PORT": str(port), "HMS_DATA_DIR": str(data),
           "HMS_LOG_LEVEL": "WARNING"}
    env.pop("HMS_ADMIN_PASSWORD", None)
    log = (tmp_path / "run.log").open("w")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "hms_embedded", env=env, stdout=log, stderr=subprocess.STDOUT)
    log.close()
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as client, \
            asyncio.timeout(90):
        while True:
            assert proc.returncode is None, (tmp_path / "run.log").read_text()[-3000:]
            try:
                if (await client.get("/api/auth/readyz")).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    return proc, data


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_a_stop_signal_leaves_no_process_behind(tmp_path: Path, sig: signal.Signals
                                                      ) -> None:
    proc, data = await start(tmp_path)
    pgdata = str(data / "pgdata")
    assert processes_mentioning(pgdata), "the embedded Postgres should be running"
    proc.send_signal(sig)
    try:
        async with asyncio.timeout(30):
            code = await proc.wait()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    log = (tmp_path / "run.log").read_text()
    left = processes_mentioning(pgdata)
    for leftover in left:  # never leave one for the next test
        os.kill(int(leftover.split(":")[0]), signal.SIGKILL)
    shutil.rmtree(data.parent, ignore_errors=True)
    assert code == 0, log[-3000:]  # a stop on request is a success
    assert "Traceback" not in log and "[error" not in log, log[-3000:]
    assert left == []
