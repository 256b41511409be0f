"""`make dev` started for real: every service's processes on the local Postgres and RabbitMQ,
each service as its own role, behind the real HAProxy. Through the gateway's one port: every
service is ready, and the whole patient journey (journey.py) walks through it, events crossing
RabbitMQ between the processes and the escalation email reaching a real SMTP server; every other
path is the staff web app's build (hms_platform.web.site), where the admin signs in in Debian's
chromium. SIGTERM then stops every process it started."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aio_pika
import asyncpg
import httpx
import pytest
from playwright.async_api import async_playwright
from sqlalchemy.engine import make_url

from hms_embedded.dev import NAMES
from hms_platform.pgurl import libpq_url
from hms_platform.testing.infra import free_port
from hms_platform.testing.modules import load_beside
from hms_platform.testing.polling import until_answered
from hms_platform.testing.ports import exit_report, started_on_free_ports
from hms_platform.web.site import APP_CSP
from hms_system.manifest import SYSTEM
from hms_system.topology import consumers

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def children(pid: int) -> set[int]:
    """Every live descendant of ``pid``."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def free_port_run(count: int) -> int:
    """A base port whose next ``count`` ports are free (the APIs listen on base+1...)."""
    for _ in range(50):
        base = free_port() // 100 * 100
        if all(port_free(base + i) for i in range(1, count + 1)):
            return base
    raise RuntimeError("no run of free ports")


def port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def alive(pid: int) -> bool:
    try:
        return "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()
    except OSError:
        return False


JOURNEY = load_beside(__file__, "journey.py", "hms_e2e_journey")
WEB = load_beside(__file__, "web/harness.py", "hms_e2e_web_harness")  # built(), chromium()
ADMIN_PASSWORD = "dev-run-admin-1"


@pytest.fixture
async def dev_run(postgres_url: str, amqp_url: str, tmp_path: Path) -> AsyncIterator[
        tuple[asyncio.subprocess.Process, httpx.AsyncClient, Path, str, list[Any]]]:
    tag = uuid.uuid4().hex[:6]
    database, roles, prefix = f"hms_dev_{tag}", f"hms_d{tag}_", f"d{tag}."
    server = make_url(postgres_url)
    zone = JOURNEY.daytime_zone()
    smtp, inbox = JOURNEY.smtp_server()
    smtp.start()
    env = {**os.environ, "HMS_ADMIN_PASSWORD": ADMIN_PASSWORD,
           **JOURNEY.settings(zone, smtp.port, no_show_by="desk")}
    log = tmp_path / "dev.log"

    async def start() -> tuple[asyncio.subprocess.Process, httpx.AsyncClient]:
        """The run on ports picked now, once every service answers through the gateway."""
        gateway = f"127.0.0.1:{free_port()}"
        args = ["--data-dir", str(tmp_path / "data"), "--database", database,
                "--postgres-port", str(server.port or 5432), "--role-prefix", roles,
                "--amqp-url", amqp_url, "--amqp-prefix", prefix,
                "--port-base", str(free_port_run(len(NAMES))), "--gateway-bind", gateway,
                "--web-port", str(free_port()), "--web-root", str(WEB.built())]
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "hms_embedded.dev", *args, cwd=ROOT, env=env,
            stdout=log.open("w"), stderr=asyncio.subprocess.STDOUT)
        client = httpx.AsyncClient(base_url=f"http://{gateway}", timeout=10)
        try:
            async with asyncio.timeout(240):  # on a machine busy with another run too
                for name in NAMES:
                    await until_answered(client, f"/api/{name}/readyz", interval=0.3,
                                         died=lambda: proc.returncode is not None
                                         and exit_report(log, 4000))
        except BaseException:
            await client.aclose()
            await stop(proc)
            raise
        return proc, client

    started = None
    try:
        started = await started_on_free_ports(start)
        yield started[0], started[1], log, zone, inbox.messages
    finally:
        smtp.stop()
        if started:
            await started[1].aclose()
            await stop(started[0])
        admin = await asyncpg.connect(libpq_url(postgres_url))
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            for name in NAMES:
                await admin.execute(f'DROP ROLE IF EXISTS "{roles}{name}"')
        finally:
            await admin.close()
        connection = await aio_pika.connect(amqp_url)
        async with connection:
            channel = await connection.channel()
            for queue in (q for c in consumers(prefix) for q in c.queues):
                await channel.queue_delete(queue.name)
            for exchange in ("hms.events", "hms.dead"):
                await channel.exchange_delete(f"{prefix}{exchange}")


async def the_web_app_behind_the_gateway(client: httpx.AsyncClient) -> None:
    """Every path outside /api is the web app's build under its CSP (its own pages get
    index.html), /api stays the services' (the 404 problem when none answers it); the sign-in
    page renders in chromium through the gateway and the admin signs in."""
    index = (WEB.built() / "index.html").read_text()
    async with asyncio.timeout(30):
        await until_answered(client, "/", interval=0.3)
    for path in ("/", "/desk"):
        page = await client.get(path)
        assert page.status_code == 200, path
        assert page.text == index, path
        assert page.headers["content-security-policy"] == APP_CSP, path
    nowhere = await client.get("/api/nowhere")
    assert nowhere.status_code == 404
    assert nowhere.headers["content-type"] == "application/problem+json"
    assert nowhere.json()["detail"] == "No service answers this path."

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=WEB.chromium(),
                                          args=["--no-sandbox", "--disable-gpu"])
        try:
            page = await browser.new_page()
            await page.goto(f"{client.base_url}/")
            await page.get_by_label("Username").fill("admin")
            await page.get_by_label("Password", exact=True).fill(ADMIN_PASSWORD)
            await page.get_by_role("button", name="Sign in").click()
            await page.get_by_role("navigation", name="Main").wait_for(timeout=30_000)
            await page.get_by_role("heading", level=1).first.wait_for()
        finally:
            await browser.close()


async def stop(proc: asyncio.subprocess.Process) -> None:
    """SIGTERM (the run stops its processes), SIGKILL after 30 s."""
    if proc.returncode is None:
        proc.terminate()
        try:
            async with asyncio.timeout(30):
                await proc.wait()
        except TimeoutError:
            proc.kill()
            await proc.wait()


async def test_the_journey_through_the_gateway_then_a_clean_stop(dev_run) -> None:
    """(The fixture has waited for every service to answer through the gateway.)"""
    proc, client, log, zone, emails = dev_run
    probe = await client.get("/api/auth/healthz")
    assert len(probe.headers["x-request-id"]) == 36  # made by the gateway, echoed by auth

    await JOURNEY.walk(client, ADMIN_PASSWORD, zone, emails, no_show_by="desk")
    await the_web_app_behind_the_gateway(client)

    started = children(proc.pid)
    # every process the manifest lists (APIs, relays, consumers, schedulers), and the gateway
    assert len(started) >= sum(len(s.processes) for s in SYSTEM.services) + 1
    proc.send_signal(signal.SIGTERM)
    async with asyncio.timeout(60):
        status = await proc.wait()
    assert status == 0, log.read_text()[-4000:]
    assert [pid for pid in started if alive(pid)] == []
