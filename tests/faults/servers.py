"""Private servers the fault suite starts, breaks and stops itself: a Postgres 15 cluster in a
folder of its own (initdb, pg_ctl) here, RabbitMQ nodes in rabbitmq.py. Never the machine's
shared servers: every port is picked free, every folder is a new temporary one."""

from __future__ import annotations

import asyncio
import contextlib
import os
import pwd
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from hms_platform.testing.infra import free_port

PG_BIN = Path(os.environ.get("HMS_FAULTS_PG_BIN", "/usr/lib/postgresql/15/bin"))
RABBIT_BIN = Path(os.environ.get("HMS_FAULTS_RABBIT_BIN", "/usr/lib/rabbitmq/bin"))


def tools_missing() -> str | None:
    """What is not installed (the suite needs), or None."""
    for tool in (PG_BIN / "initdb", PG_BIN / "pg_ctl", RABBIT_BIN / "rabbitmq-server",
                 RABBIT_BIN / "rabbitmqctl"):
        if not tool.exists():
            return f"{tool} is missing (Debian: postgresql-15, rabbitmq-server)"
    if shutil.which("haproxy") is None:
        return "haproxy is missing (Debian: haproxy)"
    return None


def _as_postgres() -> list[str]:
    """initdb and postgres refuse root: as root, run them as the postgres user."""
    if os.geteuid() != 0:
        return []
    pwd.getpwnam("postgres")  # KeyError: no such user
    return ["runuser", "-u", "postgres", "--"]


def _shared_folder(prefix: str) -> Path:
    """A new folder under the system's temp dir that another user (postgres) may use."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    folder.chmod(0o755)
    return folder


async def run(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> str:
    proc = await asyncio.create_subprocess_exec(
        *args, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        async with asyncio.timeout(timeout):
            out, _ = await proc.communicate()
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise
    text = out.decode(errors="replace")
    if proc.returncode:
        raise RuntimeError(f"{' '.join(args[:3])} failed ({proc.returncode}): {text[-1500:]}")
    return text


class Postgres:
    """A Postgres 15 cluster on 127.0.0.1:<port>, trust auth, fsync off."""

    def __init__(self) -> None:
        self.root = _shared_folder("hms-faults-pg-")
        self.data = self.root / "data"
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self._user = _as_postgres()
        if self._user:
            shutil.chown(self.root, "postgres", "postgres")

    async def init(self) -> None:
        await run(*self._user, str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres",
                   "-A", "trust", "-E", "UTF8", "--no-sync")
        await self.start()

    async def start(self) -> None:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300 "
                   "-c shared_buffers=64MB")
        await run(*self._user, str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-w", "-t", "60",
                   "-o", options, "-l", str(self.root / "postgres.log"), "start")

    async def stop(self, mode: str = "fast") -> None:
        if (self.data / "postmaster.pid").exists():
            await run(*self._user, str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-w",
                       "-m", mode, "stop")

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    async def destroy(self) -> None:
        with contextlib.suppress(Exception):
            await self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def leftover(root: Path) -> Iterator[int]:
    """Processes whose command line names ``root`` (a check that nothing was left running)."""
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            with contextlib.suppress(OSError):
                if str(root) in (proc / "cmdline").read_bytes().decode(errors="replace"):
                    yield int(proc.name)
