"""The README as a newcomer follows it: every ```sh block runs, as it is written, in a shell
against `make run` started on a port other than 8000 (HMS_PORT) with its own data folder
(HMS_DATA_DIR), in the README's order. The first block (`make run`, `make test`) is the set-up
that CI and the other embedded-run tests run themselves; blocks meant to be read rather than
run use another fence (```text, ```console)."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
import pytest

from hms_platform.testing.infra import free_port
from hms_platform.testing.polling import until_answered
from hms_platform.testing.ports import started_on_free_ports

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
FENCE = re.compile(r"^```sh\n(.*?)^```", re.S | re.M)
SETUP = re.compile(r"^make (run|test)\b")
# What a block must not ask of its reader: a fixed address, or a value pasted by hand.
HARD_CODED = re.compile(r"localhost:8000|127\.0\.0\.1:8000\b|<[a-z_ ]+[a-z]>")


def runnable_blocks(readme: str) -> list[str]:
    blocks = FENCE.findall(readme)
    return [b for b in blocks
            if not all(SETUP.match(line) for line in b.splitlines() if line.strip())]


def test_the_blocks_ask_nothing_to_be_edited() -> None:
    blocks = runnable_blocks((ROOT / "README.md").read_text())
    assert len(blocks) >= 3
    for block in blocks:
        assert not HARD_CODED.search(block), block


def test_the_set_up_block_comes_first_and_is_not_run() -> None:
    readme = (ROOT / "README.md").read_text()
    first = FENCE.findall(readme)[0]
    assert [line.split()[:2] for line in first.splitlines()] == [["make", "run"],
                                                                 ["make", "test"]]
    assert first not in runnable_blocks(readme)


async def test_every_block_runs_against_make_run(tmp_path: Path) -> None:
    # The embedded Postgres runs as its own user when the tests run as root: the data folder's
    # parent must be one it can enter (see test_embedded_run.py).
    data = Path(tempfile.mkdtemp(prefix="hms-readme-")) / "data"
    data.parent.chmod(0o755)
    log_path = tmp_path / "run.log"

    async def start() -> tuple[asyncio.subprocess.Process, dict[str, str]]:
        port = free_port()
        env = {**os.environ, "HMS_PORT": str(port), "HMS_DATA_DIR": str(data),
               "HMS_LOG_LEVEL": "WARNING"}
        for inherited in ("HMS_ADMIN_PASSWORD", "HMS_ADMIN_USERNAME", "HMS_URL", "HMS_HOST"):
            env.pop(inherited, None)
        with log_path.open("w") as log:
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "hms_embedded", env=env, cwd=ROOT, stdout=log,
                stderr=subprocess.STDOUT)
        try:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}",
                                         timeout=5) as client, asyncio.timeout(90):
                await until_answered(client, "/api/auth/readyz",
                                     died=lambda: proc.returncode is not None
                                     and log_path.read_text()[-3000:])
        except BaseException:
            if proc.returncode is None:
                proc.terminate()
                await proc.wait()
            raise
        return proc, env

    proc, env = await started_on_free_ports(start)
    try:
        for number, block in enumerate(runnable_blocks((ROOT / "README.md").read_text()), 1):
            shell = await asyncio.create_subprocess_exec(
                "bash", "-euo", "pipefail", "-c", block, env=env, cwd=ROOT,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            async with asyncio.timeout(240):
                output, _ = await shell.communicate()
            assert shell.returncode == 0, (
                f"README block {number} failed ({shell.returncode}):\n{block}\n---\n"
                f"{output.decode(errors='replace')[-3000:]}")
    finally:
        proc.terminate()
        async with asyncio.timeout(30):
            await proc.wait()
        shutil.rmtree(data.parent, ignore_errors=True)
