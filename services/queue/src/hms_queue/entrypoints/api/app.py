"""The queue HTTP app, built by the platform (errors, health, metrics, auth)."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from hms_platform.auth import TokenVerifier
from hms_platform.clock import Clock, SystemClock
from hms_platform.runtime import engine_for
from hms_platform.web.database_app import create_database_app
from hms_queue.adapters.line_changes import LineWatcher
from hms_queue.adapters.orm import REVOCATIONS
from hms_queue.bootstrap import build
from hms_queue.config import QueueSettings
from hms_queue.entrypoints.api import PREFIX
from hms_queue.entrypoints.api.errors import ERROR_MAP
from hms_queue.entrypoints.api.routes import doctors, live, tickets

__all__ = ["PREFIX", "create_app"]


def create_app(
    settings: QueueSettings | None = None,
    *,
    engine: AsyncEngine | None = None,
    token_verifier: TokenVerifier | None = None,
    clock: Clock | None = None,
) -> FastAPI:
    """The app; an ``engine`` passed in stays the caller's, one made here is disposed on
    shutdown."""
    settings = settings or QueueSettings()
    db = engine or engine_for(settings)
    watcher = LineWatcher(db)

    app = create_database_app(
        "queue", prefix=PREFIX, settings=settings, engine=db, owned=engine is None,
        revocations=REVOCATIONS, error_map=ERROR_MAP, token_verifier=token_verifier,
        on_shutdown=[watcher.close],
        description="Lines per doctor, urgency with fairness, atomic call-next, positions and "
                    "wait estimates, live streams and waiting-room screens.",
    )
    app.state.clock = clock or SystemClock()
    app.state.bus = build(settings, db, clock=app.state.clock)
    app.state.line_watcher = watcher
    # live first: /doctors/{id}/stream before /doctors/{id} would not clash, but /display does
    for module in (live, doctors, tickets):
        app.include_router(module.router)
    return app
