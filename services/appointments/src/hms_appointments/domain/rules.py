"""The clinic's time rules and the no-show penalty policy, as plain values from settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo

from hms_appointments.domain.exceptions import BookingBlocked


@dataclass(frozen=True)
class PenaltyPolicy:
    """A patient with ``limit`` or more active (not waived) penalties from the last ``window``
    may not book for themselves; staff may still book for them."""

    limit: int = 3
    window: timedelta = timedelta(days=90)

    def window_start(self, now: datetime) -> datetime:
        return now - self.window

    def check_self_booking(self, active_penalties: int) -> None:
        if active_penalties >= self.limit:
            raise BookingBlocked(active_penalties, self.limit, self.window.days)


@dataclass(frozen=True)
class Rules:
    clinic_tz: tzinfo = UTC
    late_cancel: timedelta = timedelta(hours=24)
    no_show_grace: timedelta = timedelta(minutes=15)
    penalties: PenaltyPolicy = field(default_factory=PenaltyPolicy)
