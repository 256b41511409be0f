"""What a report may ask: a period of clinic days, a grouping, the audit trail's filters."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hms_reporting.domain.errors import InvalidRequest

MAX_DAYS = 731  # two years, a leap day included
GROUPINGS = {
    "appointments": ("day", "doctor", "status"),
    "no_shows": ("doctor", "patient", "day"),
    "penalties": ("patient", "doctor"),
}


@dataclass(frozen=True)
class Period:
    """Clinic days ``start`` to ``end``, both included."""

    start: date
    end: date

    @classmethod
    def of(cls, start: date | None, end: date | None, today: date, default_days: int) -> Period:
        """The asked period; without ``to`` it ends today, without ``from`` it is the last
        ``default_days`` days up to ``to``."""
        end = end or today
        start = start or end - timedelta(days=default_days - 1)
        if start > end:
            raise InvalidRequest(f"from ({start}) is after to ({end})")
        if (end - start).days + 1 > MAX_DAYS:
            raise InvalidRequest(f"a report covers at most {MAX_DAYS} days (two years)")
        return cls(start, end)

    def instants(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """[the first day's midnight, the midnight after the last day) in the clinic's zone."""
        return (datetime.combine(self.start, time(), tz),
                datetime.combine(self.end + timedelta(days=1), time(), tz))


def check_grouping(report: str, group_by: str) -> str:
    if group_by not in GROUPINGS[report]:
        raise InvalidRequest(f"group_by must be one of {', '.join(GROUPINGS[report])}")
    return group_by


@dataclass(frozen=True)
class AuditQuery:
    period: Period
    actor_id: uuid.UUID | None = None
    subject_id: uuid.UUID | None = None
    action: str | None = None
    limit: int = 100
    cursor: tuple[datetime, int] | None = None  # (occurred_at, id) of the last entry seen
