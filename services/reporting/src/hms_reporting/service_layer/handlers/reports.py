"""The queries: each one aggregate statement (adapters.reports), for admins only."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from hms_reporting.domain.queries import check_grouping
from hms_reporting.service_layer import commands as c
from hms_reporting.service_layer.ports import UnitOfWork


async def appointments_report(q: c.AppointmentsReport, uow: UnitOfWork) -> c.Page:
    group_by = check_grouping("appointments", q.group_by)
    async with uow:
        return await uow.reports.appointments(q.period.start, q.period.end, group_by, q.page)


async def no_shows_report(q: c.NoShowsReport, uow: UnitOfWork) -> c.Page:
    group_by = check_grouping("no_shows", q.group_by)
    async with uow:
        return await uow.reports.no_shows(q.period.start, q.period.end, group_by, q.page)


async def penalties_report(q: c.PenaltiesReport, uow: UnitOfWork) -> c.Page:
    group_by = check_grouping("penalties", q.group_by)
    async with uow:
        return await uow.reports.penalties(q.period.start, q.period.end, group_by, q.page)


async def queue_report(q: c.QueueReport, uow: UnitOfWork) -> c.Page:
    async with uow:
        return await uow.reports.queue(q.period.start, q.period.end, q.doctor_id, q.page)


async def notifications_report(q: c.NotificationsReport, uow: UnitOfWork) -> c.Page:
    async with uow:
        return await uow.reports.notifications(q.period.start, q.period.end, q.page)


async def audit_trail(q: c.AuditTrail, uow: UnitOfWork, tz: ZoneInfo) -> tuple[c.Rows, Any]:
    start, end = q.query.period.instants(tz)
    async with uow:
        return await uow.audit.search(q.query, start, end)
