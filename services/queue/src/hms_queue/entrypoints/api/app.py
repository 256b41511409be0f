"""The queue HTTP app, built by the platform (errors, health, metrics, auth)."""

from __future__ import annotations

import uuid

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from hms_platform.auth import TokenVerifier
from hms_platform.clock import Clock, SystemClock
from hms_platform.runtime import engine_for
from hms_platform.web.database_app import create_database_app
from hms_platform.web.serving import on_stop_signal
from hms_queue.adapters.line_changes import LineWatcher
from hms_queue.adapters.orm import PLATFORM
from hms_queue.bootstrap import build
from hms_queue.config import QueueSettings
from hms_queue.entrypoints.api import PREFIX, views
from hms_queue.entrypoints.api.line_boards import Board, LineBoards
from hms_queue.entrypoints.api.routes import displays, doctors, live, tickets
from hms_queue.entrypoints.api.stream_limits import StreamLimits
from hms_queue.service_layer.commands import LineSnapshot

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
    clock = clock or SystemClock()
    bus = build(settings, db, clock=clock)
    watcher = LineWatcher(db)

    async def read_board(doctor_id: uuid.UUID) -> Board:
        return views.board(await bus.handle(LineSnapshot(doctor_id)))

    boards = LineBoards(watcher, read_board)
    app = create_database_app(
        "queue", prefix=PREFIX, settings=settings, engine=db, owned=engine is None,
        tables=PLATFORM, token_verifier=token_verifier,
        on_shutdown=[boards.close, watcher.close],
        description="Lines per doctor, urgency with fairness, atomic call-next, positions and "
                    "wait estimates, live streams and waiting-room screens.",
    )
    app.state.clock = clock
    app.state.bus = bus
    app.state.line_watcher = watcher
    # A server waits for open responses before it stops, and a stream never ends by itself.
    on_stop_signal(app, watcher.end_streams)
    app.state.line_boards = boards  # one read per line change, shared by its streams
    app.state.stream_limits = StreamLimits()
    # live first: /doctors/{id}/stream before /doctors/{id} would not clash, but /display does
    for module in (live, displays, doctors, tickets):
        app.include_router(module.router)
    return app
