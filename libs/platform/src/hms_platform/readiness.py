"""Readiness checks, without a web framework: the APIs' /readyz and the probes of processes
without an API (relays, consumers) use the same ones."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping

ReadinessCheck = Callable[[], Awaitable[object]]


async def readiness(checks: Mapping[str, ReadinessCheck],
                    timeout: float = 2.0) -> tuple[bool, dict[str, object]]:
    """(ready, the /readyz body): every check at once, each bounded by ``timeout``."""
    results = await asyncio.gather(*(_check(fn, timeout) for fn in checks.values()))
    status = dict(zip(checks, results, strict=True))
    ready = all(v == "ok" for v in status.values())
    return ready, {"status": "ready" if ready else "unavailable", "checks": status}


async def _check(fn: ReadinessCheck, timeout: float) -> str:
    try:
        async with asyncio.timeout(timeout):
            result = await fn()
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "ok" if result is not False else "error: not connected"
