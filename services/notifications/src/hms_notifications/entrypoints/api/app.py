"""The notifications HTTP app, built by the platform (errors, health, metrics, auth)."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from hms_notifications.adapters.orm import PLATFORM
from hms_notifications.bootstrap import build
from hms_notifications.config import NotificationsSettings
from hms_notifications.entrypoints.api import PREFIX
from hms_notifications.entrypoints.api.routes import messages, webhooks
from hms_platform.auth import TokenVerifier
from hms_platform.runtime import engine_for
from hms_platform.web.database_app import create_database_app

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
    db = engine or engine_for(settings)

    app = create_database_app(
        "notifications", prefix=PREFIX, settings=settings, engine=db, owned=engine is None,
        tables=PLATFORM, token_verifier=token_verifier,
        description="SMS, push and email from the other services' events, each message once "
                    "per key and channel; preferences, quiet hours and the message log.",
    )
    app.state.bus = build(settings, db)
    for module in (webhooks, messages):
        app.include_router(module.router)
    return app
