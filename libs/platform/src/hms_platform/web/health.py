"""``/healthz`` (live), ``/readyz`` (503 while a dependency is unreachable), ``/metrics``."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

ReadinessCheck = Callable[[], Awaitable[object]]


def health_router(
    checks: Mapping[str, ReadinessCheck], registry: CollectorRegistry, *, timeout: float = 2.0
) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", responses={503: {"description": "a dependency is unreachable"}})
    async def readyz() -> JSONResponse:
        results = await asyncio.gather(*(_check(fn, timeout) for fn in checks.values()))
        status = dict(zip(checks, results, strict=True))
        ready = all(v == "ok" for v in status.values())
        return JSONResponse({"status": "ready" if ready else "unavailable", "checks": status},
                            status_code=200 if ready else 503)

    @router.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return router


async def _check(fn: ReadinessCheck, timeout: float) -> str:
    try:
        async with asyncio.timeout(timeout):
            result = await fn()
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "ok" if result is not False else "error: not connected"
