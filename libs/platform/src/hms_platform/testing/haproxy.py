"""The real HAProxy gateway in a test, on ports of its own: HAProxy cannot be handed a bound
socket, so it is started again on other ports when one it was given was taken meanwhile."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
from pathlib import Path
from typing import NamedTuple

import httpx

from hms_platform.testing.infra import free_port
from hms_platform.testing.polling import until_answered
from hms_platform.testing.ports import started_on_free_ports


class Haproxy(NamedTuple):
    process: asyncio.subprocess.Process
    port: int  # HMS_GATEWAY_BIND's
    tls_port: int | None  # HMS_GATEWAY_TLS_BIND's (and HMS_GATEWAY_HTTPS_PORT), with TLS


async def start_haproxy(config: Path, env: dict[str, str], log: Path, *,
                        tls: bool = False) -> Haproxy:
    """HAProxy (``config``, the environment plus ``env``) on 127.0.0.1, once it answers; its
    output (the log, and errors) in ``log``. ``tls``: ``env`` names HMS_GATEWAY_TLS_CERT."""
    assert shutil.which("haproxy"), "haproxy is missing: make test installs it (Debian's package)"

    async def once() -> Haproxy:
        port, tls_port = free_port(), free_port() if tls else None
        ports = {"HMS_GATEWAY_BIND": f"127.0.0.1:{port}"}
        if tls_port:
            ports |= {"HMS_GATEWAY_TLS_BIND": f"127.0.0.1:{tls_port}",
                      "HMS_GATEWAY_HTTPS_PORT": str(tls_port)}
        with log.open("wb") as out:  # the child keeps its own descriptor
            # not -q: in quiet mode HAProxy 2.6 drops its "log stdout" lines too
            process = await asyncio.create_subprocess_exec(
                "haproxy", "-W", "-db", "-f", str(config), env={**os.environ, **env, **ports},
                stdout=out, stderr=asyncio.subprocess.STDOUT)
        try:  # a path no backend serves: HAProxy's own answer (a redirect to HTTPS with TLS)
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}",
                                         timeout=2) as client, asyncio.timeout(20):
                await until_answered(client, "/api/nowhere", ok=308 if tls else 404,
                                     interval=0.05, died=lambda: (
                                         process.returncode is not None and log.read_text()))
        except BaseException:
            await stop_process(process)
            raise
        return Haproxy(process, port, tls_port)

    return await started_on_free_ports(once)


async def stop_process(process: asyncio.subprocess.Process,
                       sig: int = signal.SIGTERM) -> None:
    """``sig`` to a process that still runs, then wait for it (killed after 10 s)."""
    if process.returncode is None:
        process.send_signal(sig)
        try:
            await asyncio.wait_for(process.wait(), 10)
        except TimeoutError:
            process.kill()
            await process.wait()
