"""The reporting HTTP app, built by the platform (errors, health, metrics, auth)."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from hms_platform.auth import TokenVerifier
from hms_platform.clock import Clock, SystemClock
from hms_platform.db import ping
from hms_platform.runtime import engine_for
from hms_platform.web.database_app import create_database_app
from hms_platform.web.health import health_router
from hms_reporting.adapters.orm import PLATFORM
from hms_reporting.bootstrap import build
from hms_reporting.config import ReportingSettings
from hms_reporting.entrypoints.api import PREFIX, REPORTS
from hms_reporting.entrypoints.api.routes import audit, reports

__all__ = ["PREFIX", "create_app"]


def create_app(
    settings: ReportingSettings | None = None,
    *,
    engine: AsyncEngine | None = None,
    token_verifier: TokenVerifier | None = None,
    clock: Clock | None = None,
) -> FastAPI:
    """The app; an ``engine`` passed in stays the caller's, one made here is disposed on
    shutdown."""
    settings = settings or ReportingSettings()
    db = engine or engine_for(settings)

    app = create_database_app(
        "reporting", prefix=PREFIX, settings=settings, engine=db, owned=engine is None,
        tables=PLATFORM, token_verifier=token_verifier,
        description="Read-only reports for admins (JSON or CSV) and the audit trail.",
    )
    app.state.clock = clock or SystemClock()
    app.state.bus = build(settings, db)
    for module in (reports, audit):
        app.include_router(module.router)
    # The gateway routes /api/reports and /api/audit here (not /api/reporting), and checks
    # readiness under the first: the same health routes there too.
    app.include_router(health_router({"database": lambda: ping(db)},
                                     app.state.metrics_registry,
                                     metrics_token=settings.metrics_token),
                       prefix=REPORTS, include_in_schema=False)
    return app
