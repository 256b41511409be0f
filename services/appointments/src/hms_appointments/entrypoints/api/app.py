"""The appointments HTTP app, built by the platform (errors, health, metrics, auth)."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from hms_appointments.adapters.orm import PLATFORM
from hms_appointments.bootstrap import build
from hms_appointments.config import AppointmentsSettings
from hms_appointments.entrypoints.api import PREFIX
from hms_appointments.entrypoints.api.routes import appointments, doctors, penalties
from hms_platform.auth import TokenVerifier
from hms_platform.clock import Clock
from hms_platform.runtime import engine_for
from hms_platform.web.database_app import create_database_app

__all__ = ["PREFIX", "create_app"]


def create_app(
    settings: AppointmentsSettings | None = None,
    *,
    engine: AsyncEngine | None = None,
    token_verifier: TokenVerifier | None = None,
    clock: Clock | None = None,
) -> FastAPI:
    """The app; an ``engine`` passed in stays the caller's, one made here is disposed on
    shutdown."""
    settings = settings or AppointmentsSettings()
    db = engine or engine_for(settings)

    app = create_database_app(
        "appointments", prefix=PREFIX, settings=settings, engine=db, owned=engine is None,
        tables=PLATFORM, token_verifier=token_verifier,
        description="Doctors' schedules and slots, conflict-proof booking, the appointment "
                    "lifecycle, no-shows and penalties.",
    )
    app.state.bus = build(settings, db, clock=clock)
    # /doctors and /penalties before /{appointment_id}, which would otherwise match them.
    for module in (doctors, penalties, appointments):
        app.include_router(module.router)
    return app
