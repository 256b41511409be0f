"""A service app served by uvicorn as every HMS entrypoint serves it (hms_platform.runtime):
a real server on a free port, a real socket."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import uvicorn
from starlette.requests import Request

from hms_platform.logging import configure_logging, flush_logging
from hms_platform.settings import ServiceSettings
from hms_platform.testing.infra import free_port
from hms_platform.testing.ports import retried_on_free_ports, uvicorn_serving
from hms_platform.web import create_service_app
from hms_platform.web.serving import uvicorn_config

pytestmark = pytest.mark.usefixtures("restore_logging")
FORGED = "203.0.113.66"


@contextlib.asynccontextmanager
async def served(**settings: object) -> AsyncIterator[tuple[str, int]]:
    app = create_service_app("demo", prefix="/api/demo",
                             settings=ServiceSettings(environment="test", **settings))

    @app.get("/api/demo/whoami")
    async def whoami(request: Request) -> dict[str, object]:
        assert request.client is not None
        return {"host": request.client.host}

    @app.post("/api/demo/echo")
    async def echo(request: Request) -> dict[str, int]:
        return {"length": len(await request.body())}

    config = uvicorn_config(app, host="127.0.0.1", port=0, log_level="info")
    async with uvicorn_serving(config) as port:
        yield f"http://127.0.0.1:{port}", port


def access_lines(out: io.StringIO) -> list[str]:
    assert flush_logging()
    return [entry["event"] for entry in map(json.loads, out.getvalue().splitlines())
            if entry.get("logger") == "uvicorn.access"]


async def test_a_forged_forwarded_for_from_loopback_is_not_believed() -> None:
    out = io.StringIO()
    configure_logging(json=True, stream=out)
    async with served() as (base, _), httpx.AsyncClient(base_url=base) as client:
        response = await client.get("/api/demo/whoami", headers={"X-Forwarded-For": FORGED})
    assert response.json() == {"host": "127.0.0.1"}
    [line] = access_lines(out)
    assert line.startswith("127.0.0.1:") and FORGED not in line
    assert "server" not in response.headers


async def test_behind_a_trusted_proxy_the_access_log_shows_the_judged_client() -> None:
    out = io.StringIO()
    configure_logging(json=True, stream=out)
    async with (served(trusted_proxies=["127.0.0.1"]) as (base, _),
                httpx.AsyncClient(base_url=base) as client):
        response = await client.get("/api/demo/whoami",
                                    headers={"X-Forwarded-For": f"6.6.6.6, {FORGED}"})
    assert response.json() == {"host": FORGED}
    [line] = access_lines(out)
    assert line.startswith(f"{FORGED}:") and "6.6.6.6" not in line


async def test_uvicorn_logs_reach_the_platform_setup_after_its_own_log_config_ran() -> None:
    uvicorn.Config(create_service_app("demo", prefix="/api/demo"))  # applies uvicorn's dictConfig
    out = io.StringIO()
    configure_logging(json=True, stream=out)
    async with served() as (base, _), httpx.AsyncClient(base_url=base) as client:
        await client.get("/api/demo/healthz")
    assert len(access_lines(out)) == 1


def test_the_platform_config_cannot_be_told_to_trust_proxy_headers() -> None:
    config = uvicorn_config(create_service_app("demo", prefix="/api/demo"),
                            host="127.0.0.1", port=1)
    assert config.proxy_headers is False and config.log_config is None
    with pytest.raises(TypeError, match="proxy_headers"):
        uvicorn_config(create_service_app("demo", prefix="/api/demo"), host="127.0.0.1",
                       port=1, proxy_headers=True)


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                  if line.lower().startswith(b"content-length:"))
    return status, head + await reader.readexactly(length)


async def test_a_huge_declared_body_is_refused_before_a_byte_of_it_is_sent() -> None:
    async with served(max_body_bytes=10_000) as (_, port):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"POST /api/demo/echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json"
                     b"\r\nContent-Length: 314572800\r\n\r\n")
        await writer.drain()
        async with asyncio.timeout(5):
            status, response = await read_response(reader)
            assert await reader.read() == b""  # and the connection is closed
        writer.close()
    assert status == 413 and b"application/problem+json" in response


async def test_a_chunked_body_is_refused_once_it_passes_the_limit() -> None:
    async with served(max_body_bytes=10_000) as (_, port):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"POST /api/demo/echo HTTP/1.1\r\nHost: t\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n")
        response_task = asyncio.create_task(read_response(reader))
        sent = 0
        with contextlib.suppress(ConnectionError):
            while not response_task.done() and sent < 50_000_000:
                writer.write(b"1000\r\n" + b"x" * 0x1000 + b"\r\n")  # 4 KiB chunks
                sent += 0x1000
                await writer.drain()
                await asyncio.sleep(0.001)
        async with asyncio.timeout(5):
            status, response = await response_task
        writer.close()
    assert status == 413 and b"application/problem+json" in response
    assert sent < 5_000_000  # answered while the client was still sending, not at the end


async def test_a_body_under_the_limit_is_served_by_the_real_server() -> None:
    async with (served(max_body_bytes=10_000) as (base, _),
                httpx.AsyncClient(base_url=base) as client):
        response = await client.post("/api/demo/echo", content=b"x" * 9_000)
    assert response.json() == {"length": 9_000}


SERVER = """
import sys
from hms_platform.logging import configure_logging
from hms_platform.web.serving import serve_api
from hms_platform.web import create_service_app

configure_logging(json=False)  # the console renderer, as in dev
app = create_service_app("demo", prefix="/api/demo")

@app.post("/api/demo/token")
async def token() -> None:
    password = "hunter2"
    rows = [{"password": password, "n": n} for n in range(2000)]  # a large local
    raise RuntimeError(f"SignIn(password={password!r}) failed with {len(rows)} rows")

serve_api(app, host="127.0.0.1", port=int(sys.argv[1]))
"""


def start_server() -> tuple[subprocess.Popen[bytes], int]:
    """The server on a port of its own, once it answers; a server that exited: its output."""
    port = free_port()
    # stdout and stderr are a pipe nobody reads (until the end): full after 64 KiB, and every
    # write to it blocks. (A sync test: asyncio's Process.wait() would wait for that pipe too.)
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert server.stdout is not None
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                raise AssertionError(server.stdout.read().decode()[-3000:])
            if time.monotonic() > deadline:
                server.kill()
                raise AssertionError("the server did not answer within 30 s")
            with contextlib.suppress(httpx.TransportError):
                if client.get("/api/demo/healthz").status_code == 200:
                    return server, port
            time.sleep(0.1)


def test_a_flood_of_500s_with_a_stalled_log_pipe_keeps_health_up_and_sigint_works() -> None:
    server, port = retried_on_free_ports(start_server)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            with ThreadPoolExecutor(20) as pool:
                statuses = set(pool.map(
                    lambda _: client.post("/api/demo/token").status_code, range(600)))
            assert statuses == {500}
            started = time.monotonic()
            assert client.get("/api/demo/healthz").status_code == 200
            assert time.monotonic() - started < 2
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=20) == 130
    finally:
        server.kill()
        assert server.stdout is not None
        output = server.stdout.read().decode()
        server.stdout.close()
    assert "hunter2" not in output and "locals" not in output and "RuntimeError" in output
