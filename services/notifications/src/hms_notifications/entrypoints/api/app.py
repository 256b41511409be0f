"""The notifications HTTP app, built by the platform (errors, health, metrics, auth)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from hms_notifications.adapters.orm import REVOCATIONS
from hms_notifications.bootstrap import build
from hms_notifications.config import NotificationsSettings
from hms_notifications.entrypoints.api import PREFIX
from hms_notifications.entrypoints.api.errors import ERROR_MAP
from hms_notifications.entrypoints.api.routes import messages, webhooks
from hms_platform.auth import TokenVerifier
from hms_platform.db import ping
from hms_platform.revocation import RevocationList
from hms_platform.runtime import engine_for
from hms_platform.web import create_service_app, make_token_verifier

__all__ = ["PREFIX", "create_app"]


def create_app(
    settings: NotificationsSettings | None = None,
    *,
    engine: AsyncEngine | None = None,
    token_verifier: TokenVerifier | None = None,
) -> FastAPI:
    """The app; an ``engine`` passed in stays the caller's, one made here is disposed on
    shutdown. Nothing is sent from here: the scheduler process sends."""
    settings = settings or NotificationsSettings()
    owned = engine is None
    db = engine or engine_for(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if owned:
            await db.dispose()

    app = create_service_app(
        "notifications", prefix=PREFIX, settings=settings, error_map=ERROR_MAP,
        readiness={"database": lambda: ping(db)},
        token_verifier=token_verifier or make_token_verifier(settings),
        lifespan=lifespan,
        description="SMS, push and email from the other services' events, each message once "
                    "per key and channel; preferences, quiet hours and the message log.",
    )
    app.state.settings = settings
    app.state.revocations = RevocationList(db, REVOCATIONS)  # tokens auth has revoked
    app.state.bus = build(settings, db)
    for module in (webhooks, messages):
        app.include_router(module.router)
    return app
