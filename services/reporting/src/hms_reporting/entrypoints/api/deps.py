"""FastAPI dependencies: the admin caller (403 for anyone else) and the asked period."""

# No `from __future__ import annotations`: FastAPI must see the real annotations.

from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Request

from hms_platform.auth import Principal, require_role
from hms_platform.roles import ADMIN
from hms_platform.web.deps import Bus
from hms_reporting.config import ReportingSettings
from hms_reporting.domain.queries import Period

__all__ = ["Admin", "Asked", "Bus", "Format"]

Admin = Annotated[Principal, Depends(require_role(ADMIN))]


async def asked_period(
    request: Request,
    from_: Annotated[date | None, Query(alias="from", description="first clinic day (ISO)")]
    = None,
    to: Annotated[date | None, Query(description="last clinic day (ISO), included")] = None,
) -> Period:
    """The period asked for; by default the last 30 days in the clinic's time zone."""
    settings: ReportingSettings = request.app.state.settings
    today = request.app.state.clock.now().astimezone(settings.tz).date()
    return Period.of(from_, to, today, settings.default_days)


Asked = Annotated[Period, Depends(asked_period)]


async def asked_page(
    limit: Annotated[int, Query(ge=1, le=10_000, description="rows per page")] = 1000,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> tuple[int, int]:
    return limit, offset


PageOf = Annotated[tuple[int, int], Depends(asked_page)]
Format = Annotated[str, Query(pattern="^(json|csv)$", description="json (default) or csv")]
