"""The one way a service builds its FastAPI app: same middleware, errors, health and metrics."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from hms_platform.auth import HttpJwksSource, JwksCache, TokenVerifier
from hms_platform.idempotency import IdempotencyStore
from hms_platform.settings import ServiceSettings
from hms_platform.web.client_ip import ClientAddressMiddleware
from hms_platform.web.docs import docs_router, install_password_scheme
from hms_platform.web.health import ReadinessCheck, health_router
from hms_platform.web.idempotency import IdempotencyMiddleware
from hms_platform.web.middleware import (
    BodyLimitMiddleware,
    MetricsMiddleware,
    RequestIdMiddleware,
    SecurityHeadersMiddleware,
    UnhandledErrorMiddleware,
)
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
    settings: ServiceSettings | None = None,
    readiness: Mapping[str, ReadinessCheck] | None = None,
    error_map: Mapping[type[Exception], int] | None = None,
    token_verifier: TokenVerifier | None = None,
    idempotency: IdempotencyStore | None = None,
    version: str = "0.1.0",
    **fastapi_kwargs: Any,
) -> FastAPI:
    """A service app whose docs, OpenAPI, health, readiness and metrics live under ``prefix``
    (the gateway's path, e.g. ``/api/queue``), so the same app serves alone or embedded; it
    also serves the system's ``/api`` index and ``/api/docs`` (hms_platform.web.docs).

    From ``settings`` (the defaults without it): ``trusted_proxies`` (whose X-Forwarded-For
    decides the client address), ``max_body_bytes`` (413 beyond it) and ``metrics_token``
    (``/metrics`` needs it as a bearer token; unset, ``/metrics`` is a 404).

    ``idempotency``: writes with an ``Idempotency-Key`` are recorded there with their effect
    and replayed (hms_platform.web.idempotency)."""
    settings = settings if settings is not None else ServiceSettings.model_construct()
    registry = CollectorRegistry()
    app = FastAPI(
        title=f"HMS {name}",
        version=version,
        openapi_url=f"{prefix}/openapi.json",
        # The docs pages are the platform's (hms_platform.web.docs): Swagger UI served from
        # here, not a CDN, and its OAuth2 redirect under the prefix.
        docs_url=None,
        swagger_ui_oauth2_redirect_url=None,
        redoc_url=None,
        # FastAPI's own OpenTelemetry bridge asks the global providers whether it is wanted on
        # every request; HMS measures with Prometheus (MetricsMiddleware) and logs with
        # structlog, so it is off (a profile of the booking path: 4 % of the process's time).
        telemetry={"tracing": False, "metrics": False, "logs": False},
        **fastapi_kwargs,
    )
    app.state.service_name = name
    app.state.metrics_registry = registry
    if token_verifier is not None:
        app.state.token_verifier = token_verifier
    install_problem_handlers(app, error_map)
    install_problem_openapi(app, idempotency_key=idempotency is not None)
    install_password_scheme(app)
    app.include_router(docs_router(name, prefix))
    app.include_router(health_router(readiness or {}, registry,
                                     metrics_token=settings.metrics_token), prefix=prefix)
    # Each add_middleware wraps the ones before it: the first added is the innermost.
    if idempotency is not None:  # innermost: it sees an exception before it becomes a 500
        app.add_middleware(IdempotencyMiddleware, store=idempotency)
    app.add_middleware(UnhandledErrorMiddleware)  # its 500 passes every layer
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(MetricsMiddleware, registry=registry, service=name)
    app.add_middleware(ClientAddressMiddleware, trusted=settings.proxy_networks())
    app.add_middleware(RequestIdMiddleware)  # added last: outermost, so every log line has the id
    return app
