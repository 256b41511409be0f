"""``/healthz`` (live), ``/readyz`` (503 while a dependency is unreachable), ``/metrics``
(only with a bearer token, and only once a token is configured)."""

from __future__ import annotations

import hmac
from collections.abc import Mapping

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from pydantic import SecretStr

from hms_platform.readiness import ReadinessCheck, readiness
from hms_platform.web.problems import problem_response

__all__ = ["ReadinessCheck", "bearer_matches", "health_router"]



def bearer_matches(authorization: str | None, expected: str) -> bool:
    """``Authorization: Bearer <expected>``, compared in constant time."""
    scheme, _, given = (authorization or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode("utf-8", "surrogateescape"), expected.encode())


def health_router(
    checks: Mapping[str, ReadinessCheck], registry: CollectorRegistry, *, timeout: float = 2.0,
    metrics_token: SecretStr | str | None = None,
) -> APIRouter:
    """Without ``metrics_token`` the metrics route answers 404 like a path that does not exist;
    with it, 401 unless the request carries ``Authorization: Bearer <metrics_token>``."""
    router = APIRouter(tags=["health"])
    token = (metrics_token.get_secret_value() if isinstance(metrics_token, SecretStr)
             else metrics_token) or None

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", responses={503: {"description": "a dependency is unreachable"}})
    async def readyz() -> JSONResponse:
        ready, body = await readiness(checks, timeout)
        return JSONResponse(body, status_code=200 if ready else 503)

    @router.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        if token is None:
            return problem_response(404, "Not Found", "Not Found")
        if not bearer_matches(request.headers.get("authorization"), token):
            return problem_response(401, "Unauthorized", "The metrics token is missing or wrong.",
                                    headers={"WWW-Authenticate": "Bearer"})
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return router
