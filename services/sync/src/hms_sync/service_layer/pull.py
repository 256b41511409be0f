"""Pull: the changes the caller may see since their cursor, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hms_platform.roles import DOCTOR, PATIENT
from hms_sync.domain import cursor as cursors
from hms_sync.domain.errors import CursorExpired
from hms_sync.domain.operations import Caller
from hms_sync.service_layer.ports import Audience, FeedReader


@dataclass(frozen=True)
class Pulled:
    changes: list[dict[str, Any]]
    cursor: str
    has_more: bool


def audience_of(caller: Caller, today: date) -> Audience:
    """A patient sees their own records; a doctor their own line and appointments; reception
    and admins today's appointments and lines."""
    if caller.role == PATIENT:
        return Audience(patient_id=caller.user_id)
    if caller.role == DOCTOR:
        return Audience(doctor_id=caller.user_id)
    return Audience(clinic_day=today)


async def pull(caller: Caller, cursor: str | None, reader: FeedReader, *, now: datetime,
               tz: ZoneInfo, retention: timedelta, limit: int) -> Pulled:
    """From the start of what the caller may see without a cursor; a cursor older than the
    feed's retention is refused (410): changes since then may have been purged."""
    at = cursors.Cursor.decode(cursor) if cursor else cursors.first(now)
    if at.at < now - retention:
        raise CursorExpired(
            f"This cursor is older than the {retention.days} days the feed keeps. Fetch a "
            "full snapshot: pull again without a cursor, and keep the records it returns.")
    page = await reader.page(audience_of(caller, now.astimezone(tz).date()),
                             at.since, at.after, limit)
    last = page.rows[-1]["seq"] if page.rows else None
    following = cursors.following(at, page.snapshot_xmin, last, page.has_more, now)
    changes = [{k: v for k, v in row.items() if k != "seq"} for row in page.rows]
    return Pulled(changes, following.encode(), page.has_more)
