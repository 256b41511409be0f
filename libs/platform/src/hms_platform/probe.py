"""``/healthz`` and ``/readyz`` for processes without an HTTP API (relay, consumer, scheduler),
so that compose and Kubernetes can probe them like the APIs. A few lines of asyncio, not a web
framework: two fixed answers, bounded reads, nothing else served."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Mapping

import structlog

from hms_platform.readiness import ReadinessCheck, readiness

log = structlog.get_logger(__name__)
_REASONS = {200: "OK", 404: "Not Found", 503: "Service Unavailable"}


async def _answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                  checks: Mapping[str, ReadinessCheck]) -> None:
    try:
        async with asyncio.timeout(5):
            request_line = await reader.readline()
            while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                pass  # headers: not needed
        parts = request_line.decode("latin-1").split()
        path = parts[1].split("?")[0] if len(parts) >= 2 and parts[0] == "GET" else ""
        body: dict[str, object]
        if path.endswith("/healthz"):
            status, body = 200, {"status": "ok"}
        elif path.endswith("/readyz"):
            ready, body = await readiness(checks)
            status = 200 if ready else 503
        else:
            status, body = 404, {"status": "not found"}
        payload = json.dumps(body).encode()
        writer.write(f"HTTP/1.1 {status} {_REASONS[status]}\r\nContent-Type: application/json"
                     f"\r\nContent-Length: {len(payload)}\r\nCache-Control: no-store\r\n"
                     "Connection: close\r\n\r\n".encode() + payload)
        await writer.drain()
    except (TimeoutError, ConnectionError):
        pass
    finally:
        writer.close()


@contextlib.asynccontextmanager
async def probe_server(host: str, port: int,
                       checks: Mapping[str, ReadinessCheck]) -> AsyncIterator[int | None]:
    """Serve the probes on ``host:port`` while the block runs (port 0 or None: no server);
    yields the port actually bound."""
    if not port:
        yield None
        return
    server = await asyncio.start_server(lambda r, w: _answer(r, w, checks), host, port)
    bound = server.sockets[0].getsockname()[1]
    log.info("probe.listening", host=host, port=bound, checks=sorted(checks))
    try:
        yield bound
    finally:
        server.close()
        await server.wait_closed()
