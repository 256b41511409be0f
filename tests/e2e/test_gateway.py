"""The real HAProxy gateway (deploy/haproxy/haproxy.cfg) in front of two replicas of a minimal
backend: routing by path, request ids, X-Forwarded-For from the gateway only, security headers,
the body cap, the sign-in rate limit per client address (however the path is spelled), caps on
one client address's open connections and event streams, a replica stopped under load taken
out without a failed request, replays only of requests that are safe to send twice, and a log
without query values (display tokens)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import ssl
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import httpx
import pytest

from hms_embedded.certificate import self_signed_certificate
from hms_platform.testing import haproxy as haproxy_start
from hms_platform.testing.haproxy import start_haproxy
from hms_platform.testing.haproxy import stop_process as stop
from hms_platform.testing.infra import free_port
from hms_platform.testing.polling import eventually, until_answered
from hms_platform.testing.ports import listening_socket, port_of

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "deploy" / "haproxy" / "haproxy.cfg"
BACKEND = Path(__file__).with_name("gateway_backend.py")
SIGNINS_PER_MINUTE = 5
CONNECTIONS_PER_CLIENT = 12
STREAMS_PER_CLIENT = 3
STREAMS_PER_REPLICA = 5
LIMITED = ("/api/auth/token", "/api/auth/token/refresh", "/api/auth/patients/register",
           "/api/auth/patients/activate", "/api/auth/password-reset",
           "/api/auth/password-reset/request")


async def wait_http(url: str, proc: asyncio.subprocess.Process, ok: int = 200) -> None:
    async with httpx.AsyncClient(timeout=2) as client, asyncio.timeout(20):
        await until_answered(client, url, ok=ok, interval=0.1, died=lambda: (
            proc.returncode is not None and f"{url}: the process exited"))


class Gateway(NamedTuple):
    base: str
    backends: dict[str, asyncio.subprocess.Process]
    log: Path  # HAProxy's log (its stdout)


async def start_backend(name: str) -> tuple[asyncio.subprocess.Process, int]:
    """A replica of the minimal backend on a socket bound here (no port to race for)."""
    with listening_socket() as sock:
        return await asyncio.create_subprocess_exec(
            sys.executable, str(BACKEND), "--fd", str(sock.fileno()), "--name", name,
            pass_fds=[sock.fileno()]), port_of(sock)


@pytest.fixture
async def gateway(tmp_path: Path) -> AsyncIterator[Gateway]:
    started = {name: await start_backend(name) for name in ("a", "b")}
    backends = {name: process for name, (process, _) in started.items()}
    ports = {name: port for name, (_, port) in started.items()}
    log = tmp_path / "haproxy.log"
    haproxy = None
    try:
        haproxy = await start_haproxy(CONFIG, {
            "HMS_SIGNIN_PER_MINUTE": str(SIGNINS_PER_MINUTE),
            "HMS_CONN_PER_CLIENT": str(CONNECTIONS_PER_CLIENT),
            "HMS_STREAMS_PER_CLIENT": str(STREAMS_PER_CLIENT),
            "HMS_STREAMS_PER_REPLICA": str(STREAMS_PER_REPLICA),
            "HMS_AUTH_ADDR": f"127.0.0.1:{ports['a']}",
            "HMS_AUTH_ADDR_2": f"127.0.0.1:{ports['b']}",
            "HMS_APPOINTMENTS_ADDR": f"127.0.0.1:{ports['a']}",
            "HMS_QUEUE_ADDR": f"127.0.0.1:{ports['a']}"}, log)
        base = f"http://127.0.0.1:{haproxy.port}"
        for name, port in ports.items():
            await wait_http(f"http://127.0.0.1:{port}/api/auth/readyz", backends[name])
        # Every backend the tests call has passed HAProxy's health check (until then its
        # answer is a 503).
        for service in ("auth", "appointments", "queue"):
            await wait_http(f"{base}/api/{service}/readyz", haproxy.process)
        await wait_http(f"{base}/api/queue/doctors/ready/stream?end=1",  # queue_streams
                        haproxy.process)
        await both_replicas_serving(base)
        yield Gateway(base, backends, log)
    finally:
        for proc in (*([haproxy.process] if haproxy else []), *backends.values()):
            await stop(proc)


class Answer(NamedTuple):
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)


class Connection:
    """One HTTP/1.1 connection of the test's own, kept alive, from a chosen source address (all
    of 127/8 is loopback, so each address is another client to the gateway), the request target
    sent exactly as written: no client library re-spells it."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, base: str, source: str = "127.0.0.1") -> Connection:
        host, port = base.removeprefix("http://").split(":")
        return cls(*await asyncio.open_connection(host, int(port), local_addr=(source, 0)))

    async def send(self, method: str, target: str, body: bytes = b"",
                   headers: dict[str, str] | None = None) -> None:
        # the absolute form names the host itself; the Host header must agree with it
        host = target.split("/")[2] if target.startswith("http://") else "hms"
        lines = [f"{method} {target} HTTP/1.1", f"Host: {host}", f"Content-Length: {len(body)}",
                 *(f"{name}: {value}" for name, value in (headers or {}).items())]
        self.writer.write("\r\n".join(lines).encode() + b"\r\n\r\n" + body)
        await self.writer.drain()

    async def head(self) -> tuple[int, dict[str, str]]:
        status_line, *fields = (await self.reader.readuntil(b"\r\n\r\n")).decode(
            "latin-1").split("\r\n")[:-2]
        headers = {k.strip().lower(): v.strip() for k, v in (f.split(":", 1) for f in fields)}
        return int(status_line.split(" ")[1]), headers

    async def body(self, headers: dict[str, str]) -> bytes:
        if "content-length" in headers:
            return await self.reader.readexactly(int(headers["content-length"]))
        if headers.get("transfer-encoding") == "chunked":
            body = b""
            while size := int((await self.reader.readuntil(b"\r\n")).strip(), 16):
                body += (await self.reader.readexactly(size + 2))[:-2]
            await self.reader.readuntil(b"\r\n")
            return body
        return await self.reader.read()

    async def request(self, method: str, target: str, body: bytes = b"",
                      headers: dict[str, str] | None = None) -> Answer:
        await self.send(method, target, body, headers)
        async with asyncio.timeout(10):
            status, got = await self.head()
            return Answer(status, got, await self.body(got))

    async def stream(self, target: str) -> int:
        """Start an event stream: its status, and (when 200) its first event read."""
        await self.send("GET", target)
        async with asyncio.timeout(10):
            status, headers = await self.head()
            if status == 200:
                assert b"data: hello" in await self.reader.readuntil(b"\n\n")
            else:
                await self.body(headers)
        return status

    async def closed_by_peer(self, within: float = 2.0) -> bool:
        try:
            return await asyncio.wait_for(self.reader.read(1), within) == b""
        except ConnectionError:
            return True
        except TimeoutError:
            return False

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(ConnectionError):
            await self.writer.wait_closed()


async def once(base: str, method: str, target: str, source: str = "127.0.0.1",
               headers: dict[str, str] | None = None) -> Answer:
    """One request on a connection of its own."""
    connection = await Connection.open(base, source)
    try:
        return await connection.request(method, target, b"{}" if method == "POST" else b"",
                                        {"Connection": "close", **(headers or {})})
    finally:
        await connection.close()


def client_from(base: str, source: str, timeout: float = 5) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=base, timeout=timeout,
                             transport=httpx.AsyncHTTPTransport(local_address=source))


async def both_replicas_serving(base: str) -> None:
    """Until the checks have found both replicas up (they start as up, but wait for it)."""
    async with httpx.AsyncClient(base_url=base, timeout=5) as client:
        async def both() -> bool:
            seen = {(await client.get("/api/auth/echo")).json()["replica"] for _ in range(6)}
            return seen == {"a", "b"}

        await eventually(both, timeout=20, interval=0.2)


async def test_routes_ids_forwarded_for_and_headers(gateway) -> None:
    base = gateway.base
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


async def test_a_service_with_no_replica_up_is_answered_503_as_problem_json(gateway) -> None:
    """Reporting has no replica up here (its address resolves to nothing): HAProxy's own 503,
    a problem+json like every other answer, not its HTML page."""
    async with httpx.AsyncClient(base_url=gateway.base, timeout=5) as client:
        answer = await client.get("/api/reports/daily")
    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["status"] == 503 and answer.json()["title"] == "Service Unavailable"
    assert answer.headers["x-content-type-options"] == "nosniff"


async def test_a_body_over_one_mebibyte_is_refused_before_it_is_sent(gateway) -> None:
    base = gateway.base
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
    base = gateway.base
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
    base, backends = gateway.base, gateway.backends
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
    base = gateway.base
    arrivals: list[tuple[float, bytes]] = []
    async with httpx.AsyncClient(base_url=base, timeout=10) as client, client.stream(
            "GET", "/api/queue/doctors/x/stream") as stream:
        async for chunk in stream.aiter_bytes():
            arrivals.append((asyncio.get_running_loop().time(), chunk))
    assert b"".join(c for _, c in arrivals) == b"data: first\n\ndata: second\n\n"
    assert arrivals[0][1] == b"data: first\n\n"  # delivered on its own, not held back
    assert arrivals[-1][0] - arrivals[0][0] > 1.0  # ...two seconds before the second one


def spellings(path: str, base: str) -> list[str]:
    """Other ways to write ``path`` that reach the same route: what HAProxy normalises (encoded
    unreserved characters, "." and ".." segments, repeated slashes), what Starlette decodes on
    its own (an encoded "/"), and what it redirects to the route (a trailing slash)."""
    head, last = path.rsplit("/", 1)
    rest = path.removeprefix("/api/auth/")
    return [
        f"{head}/%{ord(last[0]):02x}{last[1:]}",  # /api/auth/%74oken
        head + "/" + "".join(f"%{ord(c):02X}" for c in last),  # every letter encoded
        f"/api//auth///{rest}",
        f"/api/./auth/./{rest}",
        f"/api/auth/x/../{rest}",
        f"/api/auth/x/%2e%2E/{rest}",
        f"/api/../api/auth/{rest}",
        f"{head}%2F{last}",  # Starlette decodes %2F too
        f"{head}%2f{last}",
        f"{path}/",  # Starlette redirects it to the route
        f"{path}?via=query",
        f"{base}{path}",  # the absolute form
    ]


async def test_the_sign_in_limit_holds_however_the_path_is_spelled(gateway) -> None:
    """Every limited path, its spellings sent in a row from an address of their own: the first
    SIGNINS_PER_MINUTE get through whatever their spelling, the rest are 429. The row is rotated
    (a fresh address each time) until every spelling has been both counted and stopped."""
    base, sources = gateway.base, (f"127.0.0.{n}" for n in range(10, 250))
    for path in LIMITED:
        variants = spellings(path, base)
        assert len(variants) > SIGNINS_PER_MINUTE + 3
        for start in range(0, len(variants), SIGNINS_PER_MINUTE):
            order, source = variants[start:] + variants[:start], next(sources)
            answers = [await once(base, "POST", target, source) for target in order]
            codes = [a.status for a in answers]
            assert codes[SIGNINS_PER_MINUTE:] == [429] * (len(order) - SIGNINS_PER_MINUTE), (
                path, list(zip(order, codes, strict=True)))
            for target, answer in zip(order, answers[:SIGNINS_PER_MINUTE], strict=False):
                if b'"path"' in answer.body:
                    # what reached the service is the route itself, however it was written
                    assert answer.json()["path"] in (path, f"{path}/"), (target, answer)
                else:  # counted, though "/api/auth%2F..." is routed to no service: 404
                    assert answer.status == 404, (target, answer)
                    assert target.lower().startswith("/api/auth%2f"), (target, answer)
            assert answers[-1].headers["retry-after"] == "60"
    # a fragment is no way round either: HAProxy refuses it
    assert (await once(base, "POST", "/api/auth/token#x", next(sources))).status == 400
    # nor is a malformed escape (the services would see it as is; the gateway refuses it)
    assert (await once(base, "POST", "/api/auth/%7token", next(sources))).status == 400


async def test_open_connections_are_capped_per_client_address(gateway) -> None:
    base, greedy = gateway.base, "127.0.0.3"
    held = [await Connection.open(base, greedy) for _ in range(CONNECTIONS_PER_CLIENT)]
    idle: list[Connection] = []
    try:
        for connection in held:  # each in use, kept alive
            assert (await connection.request("GET", "/api/auth/echo")).status == 200
        # one more: its request is answered 429, and the connection closed
        extra = await Connection.open(base, greedy)
        answer = await extra.request("GET", "/api/auth/echo")
        assert answer.status == 429
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.headers["retry-after"] == "10"
        assert answer.headers["connection"] == "close"
        assert await extra.closed_by_peer()
        await extra.close()
        # another address is served, promptly
        started = time.monotonic()
        async with client_from(base, "127.0.0.4", timeout=2) as other:
            assert (await other.get("/api/auth/echo")).status_code == 200
        assert time.monotonic() - started < 2.0
        # connections that never send a request: up to twice the cap open, beyond refused
        idle = [await Connection.open(base, greedy) for _ in range(CONNECTIONS_PER_CLIENT)]
        assert not await idle[-1].closed_by_peer(within=0.5)  # accepted: waits for a request
        try:
            refused = await Connection.open(base, greedy)
        except ConnectionError:
            pass  # reset before the connect had even returned
        else:
            assert await refused.closed_by_peer()
            await refused.close()
    finally:
        for connection in (*held, *idle):
            await connection.close()
    async with client_from(base, greedy) as greedy_client:  # room again
        async def served() -> bool:
            return (await greedy_client.get("/api/auth/echo")).status_code == 200

        await eventually(served, timeout=5, interval=0.1)


async def test_event_streams_are_capped_per_client_address(gateway) -> None:
    base, greedy = gateway.base, "127.0.0.20"
    paths = ["/api/queue/doctors/1/stream", "/api/queue/display/stream?token=t",
             "/api/queue/doctors/2/%73tream"]
    held = [await Connection.open(base, greedy) for _ in range(STREAMS_PER_CLIENT)]
    try:
        for i, connection in enumerate(held):
            assert await connection.stream(paths[i % len(paths)]) == 200
        # one more stream, however spelled, is refused at the gateway
        for target in ("/api/queue/doctors/3/stream", "/api/queue//display/./stream?token=t",
                       "/api/queue/display%2Fstream?token=t"):
            answer = await once(base, "GET", target, greedy)
            assert answer.status == 429, target
            assert answer.headers["content-type"] == "application/problem+json"
            assert answer.headers["retry-after"] == "10"
            assert answer.json()["status"] == 429
        # the same address's other requests go on; another address is served, promptly
        async with client_from(base, greedy) as same:
            assert (await same.get("/api/queue/echo")).status_code == 200
        started = time.monotonic()
        other = await Connection.open(base, "127.0.0.21")
        assert await other.stream("/api/queue/doctors/1/stream") == 200
        await other.close()
        async with client_from(base, "127.0.0.21", timeout=2) as other_client:
            assert (await other_client.get("/api/queue/echo")).status_code == 200
        assert time.monotonic() - started < 2.0
        # a stream that ends makes room for another
        await held.pop().close()
        async with asyncio.timeout(5):
            while True:
                again = await Connection.open(base, greedy)
                if await again.stream("/api/queue/doctors/4/stream") == 200:
                    held.append(again)
                    break
                await again.close()
                await asyncio.sleep(0.1)
    finally:
        for connection in held:
            await connection.close()
    # A stream is counted while it lasts, not for the life of its connection: a connection kept
    # alive after its streams ended holds no place (HAProxy tracks sc2 per request).
    kept = await Connection.open(base, "127.0.0.22")
    later = [await Connection.open(base, "127.0.0.22") for _ in range(STREAMS_PER_CLIENT + 1)]
    try:
        for _ in range(2):
            answer = await kept.request("GET", "/api/queue/display/stream?token=t&end=1")
            assert answer.status == 200 and answer.body == b"data: hello\n\n"
        assert (await kept.request("GET", "/api/queue/echo")).status == 200  # still open
        statuses = [await c.stream("/api/queue/doctors/5/stream") for c in later]
        assert statuses == [200] * STREAMS_PER_CLIENT + [429]
    finally:
        for connection in (kept, *later):
            await connection.close()


async def test_streams_that_fill_a_replica_wait_and_starve_nothing_else(gateway) -> None:
    """STREAMS_PER_REPLICA streams (from two addresses, each under its own cap) fill the
    replica's stream slots: a third address's stream waits for one to end, rather than being
    refused or piling onto the replica, its other requests to the same replica are served at
    once, and the replica stays in (its checks do not wait for a slot)."""
    base = gateway.base
    held = [await Connection.open(base, source)
            for source in ["127.0.0.30"] * STREAMS_PER_CLIENT
            + ["127.0.0.31"] * (STREAMS_PER_REPLICA - STREAMS_PER_CLIENT)]
    waiting = await Connection.open(base, "127.0.0.32")
    try:
        for connection in held:
            assert await connection.stream("/api/queue/display/stream?token=t") == 200
        queued = asyncio.create_task(waiting.stream("/api/queue/display/stream?token=t"))
        await asyncio.sleep(1.0)
        assert not queued.done()  # waiting for a slot, neither refused nor sent on
        started = time.monotonic()
        async with client_from(base, "127.0.0.32", timeout=2) as other:
            assert (await other.get("/api/queue/echo")).status_code == 200
            assert (await other.get("/api/queue/readyz")).status_code == 200
        assert time.monotonic() - started < 2.0
        await asyncio.sleep(4.5)  # two failed checks would have taken the replica out by now
        await held.pop().close()
        async with asyncio.timeout(5):
            assert await queued == 200
    finally:
        for connection in (*held, waiting):
            await connection.close()


async def test_the_log_masks_query_values(gateway) -> None:
    async with httpx.AsyncClient(base_url=gateway.base, timeout=5) as client:
        page = await client.get("/api/queue/display", params={"token": "SECRET-PAGE-TOKEN"})
        async with client.stream("GET", "/api/queue/display/stream",
                                 params={"token": "SECRET-STREAM-TOKEN", "end": "1"}) as events:
            await events.aread()
        search = await client.get("/api/auth/users",
                                  params={"q": "amina@example.com", "limit": "5"})
    assert page.status_code == events.status_code == search.status_code == 200
    await eventually(lambda: "/api/auth/users" in gateway.log.read_text(), timeout=5,
                     interval=0.1)
    log = gateway.log.read_text()
    for secret in ("SECRET-PAGE-TOKEN", "SECRET-STREAM-TOKEN", "amina", "example.com"):
        assert secret not in log
    assert '200 ' in log and '"GET /api/queue/display?token=*** HTTP/1.1"' in log
    assert '"GET /api/queue/display/stream?token=***&end=*** HTTP/1.1"' in log
    assert '"GET /api/auth/users?q=***&limit=*** HTTP/1.1"' in log
    assert " queue_streams/queue1 " in log and " auth/auth" in log


API_TIMEOUT = 1  # seconds (HAProxy takes whole numbers with a unit: 1s)


@dataclass
class Replica:
    """A replica written by hand for the retry tests. /readyz answers; any other request is
    counted as it arrives, then: /drop/... is read and its connection closed without an answer
    the first time it comes (a replica that died with the request), /slow/... is never answered
    (a replica stuck), an event stream starts only after more than API_TIMEOUT, and anything
    else is answered at once."""

    arrivals: Counter[str] = field(default_factory=Counter)

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                line, *fields = (await reader.readuntil(b"\r\n\r\n")).decode(
                    "latin-1").split("\r\n")[:-2]
                method, target, version = line.split(" ")
                headers = {k.strip().lower(): v.strip() for k, v in
                           (f.split(":", 1) for f in fields)}
                await reader.readexactly(int(headers.get("content-length", "0")))
                closing = version == "HTTP/1.0"
                if target.endswith("/readyz"):
                    await self.answer(writer, b"application/json", b'{"status":"ready"}', closing)
                    if closing:
                        return
                    continue
                request = f"{method} {target}"
                self.arrivals[request] += 1
                if "/drop/" in target and self.arrivals[request] == 1:
                    return
                if "/slow/" in target:
                    await reader.read()  # until the gateway gives up
                    return
                if target.endswith("/stream"):
                    await asyncio.sleep(API_TIMEOUT + 1)
                    await self.answer(writer, b"text/event-stream", b"data: late\n\n", closing)
                else:
                    await self.answer(writer, b"application/json", b'{"ok":true}', closing)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    @staticmethod
    async def answer(writer: asyncio.StreamWriter, kind: bytes, body: bytes,
                     closing: bool) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: " + kind + b"\r\ncontent-length: "
                     + str(len(body)).encode() + (b"\r\nconnection: close" if closing else b"")
                     + b"\r\n\r\n" + body)
        await writer.drain()


@pytest.fixture
async def replayed(tmp_path: Path) -> AsyncIterator[tuple[str, Replica]]:
    """The gateway with one hand-written replica for notifications and the queue, and the API
    timeout at API_TIMEOUT."""
    replica = Replica()
    server = await asyncio.start_server(replica.serve, "127.0.0.1", 0)
    address = f"127.0.0.1:{server.sockets[0].getsockname()[1]}"
    haproxy = None
    try:
        haproxy = await start_haproxy(CONFIG, {
            "HMS_API_TIMEOUT": f"{API_TIMEOUT}s", "HMS_NOTIFICATIONS_ADDR": address,
            "HMS_QUEUE_ADDR": address}, tmp_path / "haproxy.log")
        base = f"http://127.0.0.1:{haproxy.port}"
        await wait_http(f"{base}/api/notifications/readyz", haproxy.process)
        yield base, replica
    finally:
        if haproxy:
            await stop(haproxy.process)
        server.close()
        await server.wait_closed()


async def test_only_requests_safe_to_send_twice_are_replayed(replayed) -> None:
    """The replica closes without answering, having taken the request: a GET, a DELETE and a
    POST or PATCH with an Idempotency-Key are sent again (and answered: the services keep a
    key's first answer with its effect); a POST or PATCH without one arrives once and the
    client gets 502."""
    base, replica = replayed
    cases = [("GET", "/api/notifications/drop/get", {}, 200, 2),
             ("DELETE", "/api/notifications/drop/delete", {}, 200, 2),
             ("POST", "/api/notifications/drop/keyed", {"Idempotency-Key": "k-1"}, 200, 2),
             ("PATCH", "/api/notifications/drop/keyed-patch", {"Idempotency-Key": "k-2"}, 200, 2),
             ("POST", "/api/notifications/drop/post", {}, 502, 1),
             ("PATCH", "/api/notifications/drop/patch", {}, 502, 1)]
    for method, path, headers, status, arrivals in cases:
        answer = await once(base, method, path, headers=headers)  # a connection of its own
        assert (answer.status, replica.arrivals[f"{method} {path}"]) == (status, arrivals), path
        if status == 502:  # the gateway's own answer, problem+json
            assert answer.headers["content-type"] == "application/problem+json"
            assert answer.json()["status"] == 502


async def test_a_slow_answer_is_waited_for_once_and_streams_keep_their_time(replayed) -> None:
    base, replica = replayed
    for method in ("POST", "GET"):
        started = time.monotonic()
        answer = await once(base, method, f"/api/notifications/slow/{method}")
        took = time.monotonic() - started
        assert answer.status == 504
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["status"] == 504
        assert replica.arrivals[f"{method} /api/notifications/slow/{method}"] == 1
        assert took < 3 * API_TIMEOUT, took  # not (retries + 1) = 4 times the timeout
    # an event stream is not held to the API's timeout
    answer = await once(base, "GET", "/api/queue/doctors/x/stream")
    assert (answer.status, answer.body) == (200, b"data: late\n\n")


async def test_tls_with_a_self_signed_certificate_and_http_redirected(tmp_path: Path) -> None:
    backend, backend_port = await start_backend("a")
    pem = self_signed_certificate(tmp_path / "gateway.pem")
    haproxy = None
    try:
        haproxy = await start_haproxy(CONFIG, {
            "HMS_GATEWAY_TLS_CERT": str(pem), "HMS_AUTH_ADDR": f"127.0.0.1:{backend_port}"},
            tmp_path / "haproxy.log", tls=True)
        http_port, https_port = haproxy.port, haproxy.tls_port
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
        for proc in (*([haproxy.process] if haproxy else []), backend):
            await stop(proc)


async def test_haproxy_is_started_again_when_its_port_was_taken(tmp_path: Path,
                                                               monkeypatch) -> None:
    """HAProxy cannot be handed a bound socket: given a port taken meanwhile, it exits
    ("cannot bind socket"), and start_haproxy starts it again on another port."""
    with listening_socket() as taken:
        ports = [port_of(taken)]
        monkeypatch.setattr(haproxy_start, "free_port",
                            lambda: ports.pop(0) if ports else free_port())
        haproxy = await start_haproxy(CONFIG, {}, tmp_path / "haproxy.log")
        try:
            assert haproxy.port != port_of(taken)
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{haproxy.port}") as client:
                assert (await client.get("/api/nowhere")).status_code == 404
        finally:
            await stop(haproxy.process)
