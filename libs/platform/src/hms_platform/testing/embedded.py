"""``make run``'s process, started the way the whole-system tests need it: on a free port (again
on another when the port was taken meanwhile), ready (``/readyz`` 200), stopped with SIGINT as
Ctrl-C would, and a data folder the embedded Postgres can reach."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx

from hms_platform.testing.infra import free_port
from hms_platform.testing.polling import until, until_answered
from hms_platform.testing.ports import (
    exit_report,
    retried_on_free_ports,
    started_on_free_ports,
)


@contextlib.contextmanager
def reachable_folder(prefix: str) -> Iterator[Path]:
    """A new folder every user may enter, removed afterwards: run as root, the embedded Postgres
    runs as its own user, which must reach its data folder (pytest's tmp_path lies under one
    only root may enter)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGINT (Ctrl-C), then wait; killed after 30 s."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextlib.contextmanager
def embedded_run(env_for: Callable[[int], dict[str, str]], log_path: Path, *,
                 cwd: Path | None = None, timeout: float = 120) -> Iterator[str]:
    """``python -m hms_embedded`` with ``env_for(port)`` (it sets ``HMS_PORT``), its output in
    ``log_path``; yields its base URL once ready, and stops it at the end."""

    def start() -> tuple[subprocess.Popen[bytes], int]:
        port = free_port()
        with log_path.open("w") as log:
            proc = subprocess.Popen([sys.executable, "-m", "hms_embedded"], env=env_for(port),
                                    cwd=cwd, stdout=log, stderr=subprocess.STDOUT)

        def ready() -> bool:
            if proc.poll() is not None:
                raise AssertionError(exit_report(log_path))
            with contextlib.suppress(httpx.TransportError):
                return httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code == 200
            return False

        try:
            until(ready, timeout=timeout, interval=0.3)
        except BaseException:
            stop(proc)
            raise
        return proc, port

    proc, port = retried_on_free_ports(start)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)


@contextlib.asynccontextmanager
async def embedded_client(env_for: Callable[[int], dict[str, str]], log_path: Path, *,
                          ready: str = "/readyz", timeout: float = 90,
                          client_timeout: float = 30) -> AsyncIterator[httpx.AsyncClient]:
    """``embedded_run`` for async tests: an HTTP client on the process once ``ready`` answers
    200; SIGINT at the end (killed after 20 s)."""

    async def start() -> tuple[asyncio.subprocess.Process, httpx.AsyncClient]:
        port = free_port()
        with log_path.open("w") as log:
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "hms_embedded", env=env_for(port), stdout=log,
                stderr=subprocess.STDOUT)
        client = httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=client_timeout)
        try:
            async with asyncio.timeout(timeout):
                await until_answered(client, ready, died=lambda: (
                    proc.returncode is not None and exit_report(log_path)))
        except BaseException:
            await _stopped(proc, client)
            raise
        return proc, client

    proc, client = await started_on_free_ports(start)
    try:
        yield client
    finally:
        await _stopped(proc, client)


async def _stopped(proc: asyncio.subprocess.Process, client: httpx.AsyncClient) -> None:
    await client.aclose()
    if proc.returncode is None:
        proc.send_signal(signal.SIGINT)
    try:
        async with asyncio.timeout(20):
            await proc.wait()
    except TimeoutError:
        proc.kill()
        await proc.wait()
