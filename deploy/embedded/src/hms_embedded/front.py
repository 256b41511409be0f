"""The embedded run's own paths, in front of the services': ``/healthz`` (the process is
alive), ``/readyz`` (every service is ready), ``/api`` (the services' index), ``/api/docs``
(every service's API on one page); ``/api/...`` goes to the services by prefix; every other
path is the staff web app's (``web/dist``, served by ``hms_platform.web.site``), or, before it
is built, ``/`` leads to the index."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from typing import Any

import httpx
from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from hms_embedded.dispatch import PrefixDispatcher
from hms_platform.embedding import Component
from hms_platform.web.docs import system_docs_routes
from hms_platform.web.site import StaticSite

_OWN = re.compile(r"^/(healthz|readyz|api|api/docs(/.*)?)?$")
_API = re.compile(r"^/(healthz|readyz|api)(/.*)?$")
READINESS_TIMEOUT = 5.0


def home_of(app: FastAPI) -> str:
    """Where a service's documents and probes live (``/api/reporting`` for reporting, whose
    routes also answer under /api/reports and /api/audit)."""
    assert app.openapi_url is not None
    return app.openapi_url.removesuffix("/openapi.json")


async def readiness_of(app: ASGIApp, home: str) -> tuple[bool, Any]:
    """The service's own ``/readyz``, asked in-process."""
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://hms") as client:
            response = await asyncio.wait_for(client.get(f"{home}/readyz"), READINESS_TIMEOUT)
    except Exception as error:
        return False, {"status": "unavailable", "error": type(error).__name__}
    try:
        body = response.json()
    except ValueError:
        body = {"status": f"HTTP {response.status_code}"}
    return response.status_code == 200, body


def front_app(services: dict[str, tuple[ASGIApp, str]]) -> FastAPI:
    """``services``: name -> (its app, its home path)."""
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    router = APIRouter()

    @router.get("/")
    async def root() -> RedirectResponse:
        return RedirectResponse("/api", status_code=307)

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz")
    async def readyz() -> JSONResponse:
        names = list(services)
        answers = await asyncio.gather(*(readiness_of(*services[n]) for n in names))
        waiting = [n for n, (ready, _) in zip(names, answers, strict=True) if not ready]
        body: dict[str, Any] = {
            "status": "unavailable" if waiting else "ready",
            "services": {n: detail for n, (_, detail) in zip(names, answers, strict=True)}}
        if waiting:
            body["not_ready"] = waiting
        return JSONResponse(body, status_code=503 if waiting else 200)

    system_docs_routes(router, health="/healthz", readiness="/readyz")
    app.include_router(router)
    return app


class FrontDoor:
    """The process's own paths first (see the module), then the services by prefix."""

    def __init__(self, components: Sequence[Component], site: StaticSite | None = None) -> None:
        self.services = PrefixDispatcher(
            {prefix: c.app for c in components for prefix in c.prefixes})
        self.own = front_app({c.name: (c.app, home_of(c.app)) for c in components})
        self.site = site if site is not None and site.built else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and self.site and not _API.match(path):
            await self.site(scope, receive, send)
        elif scope["type"] == "http" and _OWN.match(path):
            await self.own(scope, receive, send)
        else:
            await self.services(scope, receive, send)
