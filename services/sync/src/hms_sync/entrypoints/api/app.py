"""The sync HTTP app, built by the platform (errors, health, metrics, auth)."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from hms_platform.auth import TokenVerifier
from hms_platform.clock import Clock, SystemClock
from hms_platform.runtime import engine_for
from hms_platform.web.database_app import create_database_app
from hms_sync.adapters.feed import SqlFeedReader
from hms_sync.adapters.orm import PLATFORM
from hms_sync.bootstrap import owners as http_owners
from hms_sync.config import SyncSettings
from hms_sync.entrypoints.api import PREFIX
from hms_sync.entrypoints.api.routes import sync
from hms_sync.service_layer.ports import OwnerApi

__all__ = ["PREFIX", "create_app"]


def create_app(
    settings: SyncSettings | None = None,
    *,
    engine: AsyncEngine | None = None,
    token_verifier: TokenVerifier | None = None,
    clock: Clock | None = None,
    owners: OwnerApi | None = None,
) -> FastAPI:
    """The app; an ``engine`` or ``owners`` passed in stay the caller's, those made here are
    closed on shutdown (``owners``: where pushed operations go; by default SYNC_API_URL)."""
    settings = settings or SyncSettings()
    db = engine or engine_for(settings)
    made = http_owners(settings) if owners is None else None

    async def close_owners() -> None:
        if made is not None:
            await made.aclose()

    app = create_database_app(
        "sync", prefix=PREFIX, settings=settings, engine=db, owned=engine is None,
        tables=PLATFORM, token_verifier=token_verifier,
        on_shutdown=[close_owners],
        description="Offline clients: push a batch of operations (each applied by its owning "
                    "service) and pull the changes they may see.",
    )
    app.state.clock = clock or SystemClock()
    app.state.owners = owners or made
    app.state.feed = SqlFeedReader(db)
    app.include_router(sync.router)
    return app
