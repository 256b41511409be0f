"""The one way a service builds its FastAPI app: same middleware, errors, health and metrics."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from hms_platform.auth import HttpJwksSource, JwksCache, TokenVerifier
from hms_platform.settings import ServiceSettings
from hms_platform.web.health import ReadinessCheck, health_router
from hms_platform.web.middleware import MetricsMiddleware, RequestIdMiddleware
from hms_platform.web.openapi import install_problem_openapi
from hms_platform.web.problems import install_problem_handlers


def make_token_verifier(settings: ServiceSettings) -> TokenVerifier:
    """Verify access tokens against the auth service's JWKS (cached, refreshed on a new kid)."""
    return TokenVerifier(
        JwksCache(HttpJwksSource(settings.jwks_url)),
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
    )


def create_service_app(
    name: str,
    *,
    prefix: str,
    readiness: Mapping[str, ReadinessCheck] | None = None,
    error_map: Mapping[type[Exception], int] | None = None,
    token_verifier: TokenVerifier | None = None,
    version: str = "0.1.0",
    **fastapi_kwargs: Any,
) -> FastAPI:
    """A service app whose docs, OpenAPI, health, readiness and metrics live under ``prefix``
    (the gateway's path, e.g. ``/api/queue``), so the same app serves alone or embedded."""
    registry = CollectorRegistry()
    app = FastAPI(
        title=f"HMS {name}",
        version=version,
        openapi_url=f"{prefix}/openapi.json",
        docs_url=f"{prefix}/docs",
        redoc_url=None,
        **fastapi_kwargs,
    )
    app.state.service_name = name
    app.state.metrics_registry = registry
    if token_verifier is not None:
        app.state.token_verifier = token_verifier
    install_problem_handlers(app, error_map)
    install_problem_openapi(app)
    app.include_router(health_router(readiness or {}, registry), prefix=prefix)
    app.add_middleware(MetricsMiddleware, registry=registry, service=name)
    app.add_middleware(RequestIdMiddleware)  # added last: outermost, so every log line has the id
    return app
