"""The reports and the audit trail, as queries: admins only, read-only."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, ClassVar

from hms_platform.messagebus import Query
from hms_platform.roles import ADMIN
from hms_reporting.domain.queries import AuditQuery, Period
from hms_reporting.service_layer.ports import Page

Rows = list[dict[str, Any]]


class _Report(Query[Page]):
    roles: ClassVar[frozenset[str]] = frozenset({ADMIN})


@dataclass(frozen=True)
class _GroupedReport(_Report):
    """Counts over ``period`` per ``group_by`` (domain.queries.check_grouping)."""

    period: Period
    group_by: str
    page: tuple[int, int] = (1000, 0)  # limit, offset


class AppointmentsReport(_GroupedReport):
    """Appointments, grouped."""


class NoShowsReport(_GroupedReport):
    """No-shows, grouped."""


class PenaltiesReport(_GroupedReport):
    """Penalties, grouped."""


@dataclass(frozen=True)
class QueueReport(_Report):
    period: Period
    doctor_id: uuid.UUID | None = None
    page: tuple[int, int] = (1000, 0)


@dataclass(frozen=True)
class NotificationsReport(_Report):
    period: Period
    page: tuple[int, int] = (1000, 0)


@dataclass(frozen=True)
class AuditTrail(Query[tuple[Rows, Any]]):
    roles: ClassVar[frozenset[str]] = frozenset({ADMIN})
    query: AuditQuery
