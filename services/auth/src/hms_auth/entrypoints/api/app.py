"""The auth HTTP app, built by the platform (errors, health, metrics, auth) like every
service's; what is auth's own: tokens verified from its own key store, callers confirmed
against its users (no revocation table: it is where revocations come from), and startup
work."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import structlog
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from hms_auth import bootstrap
from hms_auth.adapters.keys import KEY_IDS
from hms_auth.adapters.orm import IDEMPOTENCY
from hms_auth.config import AuthSettings
from hms_auth.entrypoints.api import PREFIX
from hms_auth.entrypoints.api.routes import router
from hms_auth.service_layer.commands import (
    EnsureFirstAdmin,
    EnsureSigningKey,
    GetJwks,
    ReportThrottledSignIns,
)
from hms_platform.auth import JwksCache, TokenVerifier
from hms_platform.messagebus import MessageBus
from hms_platform.runtime import engine_for
from hms_platform.web.database_app import create_database_app

__all__ = ["PREFIX", "create_app"]
log = structlog.get_logger(__name__)


class KeyStoreJwksSource:
    """auth verifies its own tokens from its key store, not over HTTP to itself."""

    def __init__(self, bus: MessageBus) -> None:
        self._bus = bus

    async def fetch(self) -> dict[str, Any]:
        return await self._bus.handle(GetJwks())


def create_app(settings: AuthSettings | None = None, *,
               engine: AsyncEngine | None = None) -> FastAPI:
    """The app over `engine` (default: one from settings, disposed at shutdown). Startup makes
    sure a signing key exists and, given HMS_ADMIN_USERNAME/PASSWORD, that an admin does;
    while it runs, closed windows of refused sign-ins are reported periodically."""
    settings = settings or AuthSettings()
    db = engine if engine is not None else engine_for(settings)
    bus = bootstrap.build(settings, db)
    verifier = TokenVerifier(
        JwksCache(KeyStoreJwksSource(bus), ttl_seconds=settings.jwks_cache_seconds,
                  min_refresh_interval=settings.jwks_min_refresh_seconds),
        issuer=settings.jwt_issuer, audience=settings.jwt_audience)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await bus.handle(EnsureSigningKey())
        await _ensure_first_admin(bus, settings)
        reporter = (asyncio.create_task(_report_throttled(bus, interval))
                    if (interval := settings.throttle_report_interval_seconds) else None)
        try:
            yield
        finally:
            if reporter is not None:
                reporter.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await reporter

    # The relay is its own process (hms-auth relay): the API needs no broker. A key the
    # operator's rotation retired is refused within seconds, not at the cache's TTL.
    app = create_database_app(
        "auth", prefix=PREFIX, settings=settings, engine=db, owned=engine is None,
        revocations=None, signing_keys=KEY_IDS, idempotency=IDEMPOTENCY, token_verifier=verifier,
        lifespan=lifespan,
        description="Identities, roles, sign-in and tokens, password resets, sessions and "
                    "the signing keys (JWKS) every service verifies tokens with.")
    app.state.bus = bus
    app.include_router(router, prefix=PREFIX)
    return app


async def _report_throttled(bus: MessageBus, interval: float) -> None:
    """Every `interval` seconds, one event per closed window of refused sign-ins (replicas
    may overlap: each window is reported once)."""
    while True:
        await asyncio.sleep(interval)
        try:
            await bus.handle(ReportThrottledSignIns())
        except Exception as exc:  # the database away for a moment: try again next time
            log.warning("sign_ins_throttled.report_failed", error=type(exc).__name__)


async def _ensure_first_admin(bus: MessageBus, settings: AuthSettings) -> None:
    username, password = settings.admin_username, settings.admin_password
    if username and password:
        await bus.handle(EnsureFirstAdmin(username, password.get_secret_value()))
    elif username or password:
        log.warning("first_admin.incomplete", hint="set both HMS_ADMIN_USERNAME and "
                    "HMS_ADMIN_PASSWORD")
