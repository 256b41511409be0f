"""The reports, aggregated by Postgres over the read models' indexes: no row is loaded into
Python but the answer's. Names come from auth's events (the people table). Durations are in
minutes and rates in percent, both rounded to one decimal here, in SQL (``_one_decimal``),
so no answer carries float noise such as 70.30000000000001."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from hms_reporting.service_layer.ports import Page

S = "reporting"
STATUSES = ("booked", "checked_in", "completed", "no_show", "cancelled")
# group_by -> (the column grouped on, the name joined beside it or None)
KEYS = {"day": ("day", None), "doctor": ("doctor_id", "doctor_name"),
        "patient": ("patient_id", "patient_name"), "status": ("status", None)}


def _one_decimal(expr: str) -> str:
    """SQL: ``expr`` rounded to one decimal (exact in numeric, then a float for the answer)."""
    return f"round(({expr})::numeric, 1)::float8"


def _minutes(seconds: str) -> str:
    return _one_decimal(f"({seconds}) / 60.0")


def _percent(part: str, whole: str) -> str:
    """``part`` per hundred of ``whole``; NULL when ``whole`` is 0."""
    return _one_decimal(f"100.0 * ({part}) / NULLIF({whole}, 0)")


def _named(inner: str, key: str, name: str | None, order: str | None = None) -> str:
    """One page of ``inner`` (grouped on ``key``; ``n_groups`` counts them all), with the
    person's name beside the key when it names one (joined for the page's rows only)."""
    order = order or key
    page = f"{inner} ORDER BY {order} LIMIT :limit OFFSET :offset"
    if name is None:
        return f"SELECT * FROM ({page}) g ORDER BY {order}"
    return (f"SELECT p.full_name AS {name}, g.* FROM ({page}) g "
            f"LEFT JOIN {S}.people p ON p.user_id = g.{key} ORDER BY {order}")


def _ordered(row: dict[str, Any]) -> dict[str, Any]:
    """The name after the id it names (SQL gives it first)."""
    for key, name in KEYS.values():
        if name is not None and name in row:
            rest = {k: v for k, v in row.items() if k not in (key, name)}
            return {key: row[key], name: row[name], **rest}
    return row


class SqlReports:
    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def _rows(self, sql: str, page: tuple[int, int], **params: object) -> Page:
        limit, offset = page
        result = await self.connection.execute(sa.text(sql), {**params, "limit": limit,
                                                              "offset": offset})
        rows = [_ordered(dict(r)) for r in result.mappings()]
        columns = list(_ordered(dict.fromkeys(result.keys())))
        total = rows[0]["n_groups"] if rows else 0
        for row in rows:
            del row["n_groups"]
        return Page(rows, total, [c for c in columns if c != "n_groups"])

    async def appointments(self, start: date, end: date, group_by: str,
                           page: tuple[int, int]) -> Page:
        key, name = KEYS[group_by]
        if group_by == "status":
            inner = (f"SELECT status, count(*) AS appointments, count(*) OVER () AS n_groups "
                     f"FROM {S}.appointments WHERE day BETWEEN :start AND :end "
                     "AND status IS NOT NULL GROUP BY status")
            return await self._rows(_named(inner, key, None), page, start=start, end=end)
        counts = ", ".join(f"count(*) FILTER (WHERE status = '{s}') AS {s}" for s in STATUSES)
        inner = (f"SELECT {key}, {counts}, count(*) AS total, "
                 f"count(*) OVER () AS n_groups FROM {S}.appointments "
                 f"WHERE day BETWEEN :start AND :end AND status IS NOT NULL GROUP BY {key}")
        return await self._rows(_named(inner, key, name), page, start=start, end=end)

    async def no_shows(self, start: date, end: date, group_by: str,
                       page: tuple[int, int]) -> Page:
        key, name = KEYS[group_by]
        no_shows = "count(*) FILTER (WHERE status = 'no_show')"
        due = "count(*) FILTER (WHERE status IN ('completed', 'no_show'))"
        inner = (f"SELECT {key}, {no_shows} AS no_shows, {due} AS due, "
                 f"{_percent(no_shows, due)} AS rate_percent, count(*) OVER () AS n_groups "
                 f"FROM {S}.appointments WHERE day BETWEEN :start AND :end "
                 f"AND status IN ('completed', 'no_show') GROUP BY {key}")
        order = f"no_shows DESC, {key}" if group_by == "patient" else key
        return await self._rows(_named(inner, key, name, order), page, start=start, end=end)

    async def penalties(self, start: date, end: date, group_by: str,
                        page: tuple[int, int]) -> Page:
        key, name = KEYS[group_by]
        inner = (f"SELECT {key}, count(*) FILTER (WHERE NOT waived) AS active, "
                 "count(*) FILTER (WHERE waived) AS waived, count(*) AS total, "
                 "count(*) OVER () AS n_groups "
                 f"FROM {S}.penalties WHERE applied_day BETWEEN :start AND :end GROUP BY {key}")
        order = f"active DESC, waived DESC, {key}" if group_by == "patient" else key
        return await self._rows(_named(inner, key, name, order), page, start=start, end=end)

    async def queue(self, start: date, end: date, doctor_id: uuid.UUID | None,
                    page: tuple[int, int]) -> Page:
        served = "FILTER (WHERE status = 'served')"
        stats = ", ".join(
            f"{_minutes(f'avg({c}) {served}')} AS {n}_mean, "
            f"{_minutes(f'percentile_cont(0.5) WITHIN GROUP (ORDER BY {c}) {served}')} "
            f"AS {n}_p50, "
            f"{_minutes(f'percentile_cont(0.9) WITHIN GROUP (ORDER BY {c}) {served}')} "
            f"AS {n}_p90"
            for c, n in (("waited_seconds", "wait_minutes"), ("service_seconds",
                                                             "service_minutes")))
        doctor = "" if doctor_id is None else "AND doctor_id = :doctor_id"
        inner = (f"SELECT doctor_id, day, count(*) {served} AS served, "
                 "count(*) FILTER (WHERE status = 'missed') AS missed, "
                 "count(*) FILTER (WHERE status = 'cancelled') AS cancelled, "
                 f"{stats}, count(*) OVER () AS n_groups "
                 f"FROM {S}.tickets WHERE day BETWEEN :start AND :end "
                 f"AND doctor_id IS NOT NULL {doctor} GROUP BY doctor_id, day")
        return await self._rows(_named(inner, "doctor_id", "doctor_name", "day, doctor_id"),
                                page, start=start, end=end, doctor_id=doctor_id)

    async def notifications(self, start: date, end: date, page: tuple[int, int]) -> Page:
        # deduplicated: deliveries of a (dedup key, channel) already delivered under another
        # notification id (notifications keeps one message per key and channel).
        # capped: held back by notifications' hourly cap per recipient, never sent.
        inner = ("SELECT channel, kind, count(*) FILTER (WHERE status = 'sent') AS sent, "
                 "count(*) FILTER (WHERE status = 'failed') AS failed, "
                 "count(*) FILTER (WHERE status = 'capped') AS capped, "
                 "count(*) - count(DISTINCT dedup_key) AS deduplicated, "
                 f"count(*) OVER () AS n_groups FROM {S}.notifications "
                 "WHERE day BETWEEN :start AND :end AND status IS NOT NULL GROUP BY channel, kind")
        return await self._rows(_named(inner, "channel", None, "channel, kind"), page,
                                start=start, end=end)
