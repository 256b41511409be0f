"""GET /api/reports/...: admins only, read-only, JSON or ``format=csv``."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from hms_reporting.domain.queries import Period
from hms_reporting.entrypoints.api import REPORTS
from hms_reporting.entrypoints.api.deps import Admin, Asked, Bus, Format, PageOf
from hms_reporting.entrypoints.api.output import respond
from hms_reporting.service_layer import commands as c

router = APIRouter(prefix=REPORTS, tags=["reports"])


class Report(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from")
    to: str
    group_by: str | None = None
    total: int = Field(description="rows of the whole report (0 past its end)")
    limit: int
    offset: int
    rows: list[dict[str, Any]]


PROBLEMS: dict[int | str, dict[str, Any]] = {
    200: {"model": Report, "content": {"text/csv": {"schema": {"type": "string"}}}},
    401: {"description": "no valid token"}, 403: {"description": "not an admin"},
    422: {"description": "bad input"}}


def _answer(found: c.Page, period: Period, page: tuple[int, int], group_by: str | None,
            fmt: str, name: str) -> Response:
    body = {"from": period.start, "to": period.end, "group_by": group_by,
            "total": found.total, "limit": page[0], "offset": page[1], "rows": found.rows}
    return respond(body, "rows", fmt, f"{name}-{period.start}-{period.end}", found.columns,
                   headers={"X-Total-Count": str(found.total)})


@router.get("/appointments", response_model=None, responses=PROBLEMS)
async def appointments(_: Admin, bus: Bus, period: Asked, page: PageOf,
                       group_by: Literal["day", "doctor", "status"] = "day",
                       format: Format = "json") -> Response:
    """Appointments by status, per clinic day, doctor, or in all."""
    found = await bus.handle(c.AppointmentsReport(period, group_by, page))
    return _answer(found, period, page, group_by, format, "appointments")


@router.get("/no-shows", response_model=None, responses=PROBLEMS)
async def no_shows(_: Admin, bus: Bus, period: Asked, page: PageOf,
                   group_by: Literal["doctor", "patient", "day"] = "doctor",
                   format: Format = "json") -> Response:
    """No-shows and their rate (``rate_percent``, one decimal): no-shows per hundred
    appointments due (completed or no-show)."""
    found = await bus.handle(c.NoShowsReport(period, group_by, page))
    return _answer(found, period, page, group_by, format, "no-shows")


@router.get("/penalties", response_model=None, responses=PROBLEMS)
async def penalties(_: Admin, bus: Bus, period: Asked, page: PageOf,
                    group_by: Literal["patient", "doctor"] = "patient",
                    format: Format = "json") -> Response:
    """Penalties applied in the period, active and waived."""
    found = await bus.handle(c.PenaltiesReport(period, group_by, page))
    return _answer(found, period, page, group_by, format, "penalties")


@router.get("/queue", response_model=None, responses=PROBLEMS)
async def queue(_: Admin, bus: Bus, period: Asked, page: PageOf,
                doctor_id: uuid.UUID | None = None, format: Format = "json") -> Response:
    """Per doctor and day: wait and service minutes (mean, p50, p90; one decimal), tickets
    served, missed."""
    found = await bus.handle(c.QueueReport(period, doctor_id, page))
    return _answer(found, period, page, None, format, "queue")


@router.get("/notifications", response_model=None, responses=PROBLEMS)
async def notifications(_: Admin, bus: Bus, period: Asked, page: PageOf,
                        format: Format = "json") -> Response:
    """Per channel and kind: sent, failed, deduplicated."""
    found = await bus.handle(c.NotificationsReport(period, page))
    return _answer(found, period, page, None, format, "notifications")


