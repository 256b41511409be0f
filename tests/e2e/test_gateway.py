"""The real HAProxy gateway (deploy/haproxy/haproxy.cfg) in front of two replicas of a minimal
backend: routing by path, request ids, X-Forwarded-For from the gateway only, security headers,
the body cap, the sign-in rate limit per client address, and a replica stopped under load taken
out without a failed request."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import ssl
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from hms_embedded.certificate import self_signed_certificate
from hms_platform.testing.infra import free_port
from hms_platform.testing.polling import until_answered

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "deploy" / "haproxy" / "haproxy.cfg"
BACKEND = Path(__file__).with_name("gateway_backend.py")
SIGNINS_PER_MINUTE = 5


async def wait_http(url: str, proc: asyncio.subprocess.Process, ok: int = 200) -> None:
    async with httpx.AsyncClient(timeout=2) as client, asyncio.timeout(20):
        await until_answered(client, url, ok=ok, interval=0.1, died=lambda: (
            proc.returncode is not None and f"{url}: the process exited"))


async def stop(proc: asyncio.subprocess.Process, sig: int = signal.SIGTERM) -> None:
    if proc.returncode is None:
        proc.send_signal(sig)
        try:
            await asyncio.wait_for(proc.wait(), 10)
        except TimeoutError:
            proc.kill()
            await proc.wait()


@pytest.fixture
async def gateway() -> AsyncIterator[tuple[str, dict[str, asyncio.subprocess.Process]]]:
    assert shutil.which("haproxy"), "haproxy is missing: make test installs it (Debian's package)"
    ports = {"a": free_port(), "b": free_port()}
    backends = {name: await asyncio.create_subprocess_exec(
        sys.executable, str(BACKEND), "--port", str(port), "--name", name)
        for name, port in ports.items()}
    gateway_port = free_port()
    env = {**os.environ, "HMS_GATEWAY_BIND": f"127.0.0.1:{gateway_port}",
           "HMS_SIGNIN_PER_MINUTE": str(SIGNINS_PER_MINUTE),
           "HMS_AUTH_ADDR": f"127.0.0.1:{ports['a']}",
           "HMS_AUTH_ADDR_2": f"127.0.0.1:{ports['b']}",
           "HMS_APPOINTMENTS_ADDR": f"127.0.0.1:{ports['a']}",
           "HMS_QUEUE_ADDR": f"127.0.0.1:{ports['a']}"}
    haproxy = await asyncio.create_subprocess_exec(
        "haproxy", "-W", "-db", "-q", "-f", str(CONFIG), env=env)
    base = f"http://127.0.0.1:{gateway_port}"
    try:
        for name, port in ports.items():
            await wait_http(f"http://127.0.0.1:{port}/api/auth/readyz", backends[name])
        await wait_http(f"{base}/api/auth/readyz", haproxy)
        await wait_http(f"{base}/api/queue/readyz", haproxy)
        await both_replicas_serving(base)
        yield base, backends
    finally:
        for proc in (haproxy, *backends.values()):
            await stop(proc)


async def both_replicas_serving(base: str) -> None:
    """Until the checks have found both replicas up (they start as up, but wait for it)."""
    async with httpx.AsyncClient(base_url=base, timeout=5) as client, asyncio.timeout(20):
        while True:
            seen = {(await client.get("/api/auth/echo")).json()["replica"] for _ in range(6)}
            if seen == {"a", "b"}:
                return
            await asyncio.sleep(0.2)


async def test_routes_ids_forwarded_for_and_headers(gateway) -> None:
    base, _ = gateway
    async with httpx.AsyncClient(base_url=base, timeout=5) as client:
        answer = await client.get("/api/appointments/anything",
                                  headers={"X-Forwarded-For": "203.0.113.9"})
        given = await client.get("/api/auth/echo", headers={"X-Request-ID": "trace-123"})
        bad_id = await client.get("/api/auth/echo", headers={"X-Request-ID": "no spaces <>"})
        nowhere = await client.get("/api/elsewhere")
    seen = answer.json()
    assert answer.status_code == 200 and seen["path"] == "/api/appointments/anything"
    assert seen["x_forwarded_for"] == "127.0.0.1"  # the client's claim was dropped
    assert len(seen["x_request_id"]) == 36  # made by the gateway (a UUID)
    assert given.json()["x_request_id"] == "trace-123"
    assert bad_id.json()["x_request_id"] != "no spaces <>"
    for response in (answer, nowhere):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
    assert nowhere.status_code == 404
    assert nowhere.headers["content-type"] == "application/problem+json"


async def test_a_body_over_one_mebibyte_is_refused_before_it_is_sent(gateway) -> None:
    base, _ = gateway
    host, port = base.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(b"POST /api/auth/echo HTTP/1.1\r\nHost: hms\r\n"
                 b"Content-Type: application/json\r\nContent-Length: 1048577\r\n\r\n")
    await writer.drain()
    async with asyncio.timeout(5):
        head = await reader.readuntil(b"\r\n\r\n")
    writer.close()
    assert head.startswith(b"HTTP/1.1 413"), head
    assert b"application/problem+json" in head.lower()
    assert b"x-content-type-options: nosniff" in head.lower()


async def test_sign_ins_are_limited_per_client_address(gateway) -> None:
    base, _ = gateway
    async with httpx.AsyncClient(base_url=base, timeout=5) as client:
        statuses = [(await client.post("/api/auth/token", data={"username": "x",
                                                                "password": "y"}))
                    for _ in range(SIGNINS_PER_MINUTE + 3)]
        other_paths = await client.get("/api/auth/echo")
    codes = [r.status_code for r in statuses]
    assert codes[:SIGNINS_PER_MINUTE] == [401] * SIGNINS_PER_MINUTE  # reached auth
    assert codes[SIGNINS_PER_MINUTE:] == [429] * 3  # stopped at the gateway
    limited = statuses[-1]
    assert limited.headers["retry-after"] == "60"
    assert limited.headers["content-type"] == "application/problem+json"
    assert limited.headers["x-frame-options"] == "DENY"
    assert other_paths.status_code == 200  # only sign-in and registration are limited


async def test_a_replica_stopped_under_load_costs_no_request(gateway) -> None:
    base, backends = gateway
    answers: list[tuple[int, str]] = []

    async def client_loop(client: httpx.AsyncClient, until: asyncio.Event) -> None:
        while not until.is_set():
            response = await client.get("/api/auth/echo")
            replica = response.json().get("replica", "?") if response.status_code == 200 else ""
            answers.append((response.status_code, replica))

    done = asyncio.Event()
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        loops = [asyncio.create_task(client_loop(client, done)) for _ in range(4)]
        await asyncio.sleep(1.0)
        await stop(backends["b"], signal.SIGKILL)  # as abrupt as a crash
        await asyncio.sleep(3.0)
        done.set()
        await asyncio.gather(*loops)
    statuses = [status for status, _ in answers]
    assert len(answers) > 100
    assert statuses.count(200) == len(statuses), {s: statuses.count(s) for s in set(statuses)}
    assert {replica for _, replica in answers[:20]} == {"a", "b"}
    assert {replica for _, replica in answers[-50:]} == {"a"}  # b is out of the rotation


async def test_server_sent_events_pass_through_unbuffered(gateway) -> None:
    base, _ = gateway
    arrivals: list[tuple[float, bytes]] = []
    async with httpx.AsyncClient(base_url=base, timeout=10) as client, client.stream(
            "GET", "/api/queue/doctors/x/stream") as stream:
        async for chunk in stream.aiter_bytes():
            arrivals.append((asyncio.get_running_loop().time(), chunk))
    assert b"".join(c for _, c in arrivals) == b"data: first\n\ndata: second\n\n"
    assert arrivals[0][1] == b"data: first\n\n"  # delivered on its own, not held back
    assert arrivals[-1][0] - arrivals[0][0] > 1.0  # ...two seconds before the second one


async def test_tls_with_a_self_signed_certificate_and_http_redirected(tmp_path: Path) -> None:
    backend_port, http_port, https_port = free_port(), free_port(), free_port()
    backend = await asyncio.create_subprocess_exec(
        sys.executable, str(BACKEND), "--port", str(backend_port), "--name", "a")
    pem = self_signed_certificate(tmp_path / "gateway.pem")
    env = {**os.environ, "HMS_GATEWAY_BIND": f"127.0.0.1:{http_port}",
           "HMS_GATEWAY_TLS_CERT": str(pem), "HMS_GATEWAY_TLS_BIND": f"127.0.0.1:{https_port}",
           "HMS_GATEWAY_HTTPS_PORT": str(https_port),
           "HMS_AUTH_ADDR": f"127.0.0.1:{backend_port}"}
    haproxy = await asyncio.create_subprocess_exec(
        "haproxy", "-W", "-db", "-q", "-f", str(CONFIG), env=env)
    try:
        await wait_http(f"http://127.0.0.1:{backend_port}/api/auth/readyz", backend)
        trusted = ssl.create_default_context(cafile=str(pem))
        async with httpx.AsyncClient(base_url=f"https://localhost:{https_port}", verify=trusted,
                                     timeout=5) as secure, asyncio.timeout(20):
            answer = await until_answered(secure, "/api/auth/echo")
        assert answer.headers["strict-transport-security"].startswith("max-age=")
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{http_port}") as plain:
            moved = await plain.get("/api/auth/echo?x=1")
        assert moved.status_code == 308
        assert moved.headers["location"] == f"https://127.0.0.1:{https_port}/api/auth/echo?x=1"
    finally:
        for proc in (haproxy, backend):
            await stop(proc)
