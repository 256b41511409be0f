"""The clinic's time rules, the no-show penalty policy, the booking limits and the cap on a
patient's own cancellations, as plain values from settings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo

from hms_appointments.domain.errors import (
    BeyondHorizon,
    BookingBlocked,
    BookingLimitReached,
    TooManyCancellations,
)


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
class BookingLimits:
    """How much of the clinic's future one patient may hold.

    ``max_active``: active appointments (booked or checked in) that start after now. A booking
    that would go past it is refused, for staff too, unless staff give an override reason.
    ``horizon``: no appointment may start later than now + horizon (booking and rescheduling).
    (One active appointment per patient, doctor and clinic day is the third limit; the
    database enforces it, see ``Appointment.clinic_day``.)
    """

    max_active: int = 3
    horizon: timedelta = timedelta(days=90)

    def check_horizon(self, start: datetime, now: datetime) -> None:
        latest = now + self.horizon
        if start > latest:
            raise BeyondHorizon(self.horizon.days, latest.isoformat())

    def check_active(
        self, active: int, *, by_staff: bool, override_reason: str | None
    ) -> bool:
        """Whether one more booking may be made for a patient holding ``active``; True when
        that is only thanks to staff's override (the reason then goes into the event)."""
        if active < self.max_active:
            return False
        if by_staff and override_reason and override_reason.strip():
            return True
        raise BookingLimitReached(active, self.max_active, by_staff=by_staff)


@dataclass(frozen=True)
class CancellationLimit:
    """How often a patient may cancel their own appointments: ``max_per_window`` times in any
    rolling ``window``. Once they have, they may neither cancel nor book for themselves until
    the oldest of those cancellations is older than ``window``. Cancellations by staff do not
    count, and staff are never held back by it.

    A rolling window rather than the clinic's calendar day: a calendar day would allow twice
    the cap around midnight (three at 23:59, three more at 00:01).
    """

    max_per_window: int = 3
    window: timedelta = timedelta(hours=24)

    def window_start(self, now: datetime) -> datetime:
        """Cancellations after this instant count."""
        return now - self.window

    def check(self, cancelled_at: Sequence[datetime], now: datetime, clinic_tz: tzinfo) -> None:
        """``cancelled_at``: when the patient cancelled their own appointments since
        ``window_start(now)``. Refused once they reach the cap: the answer says from when
        enough of them have left the window to be under it again."""
        count = len(cancelled_at)
        if count < self.max_per_window:
            return
        # Under the cap again once the (count - cap + 1) oldest have left the window.
        oldest_to_go = sorted(cancelled_at)[count - self.max_per_window]
        raise TooManyCancellations(count, self.max_per_window,
                                   int(self.window.total_seconds() // 3600),
                                   oldest_to_go + self.window, now, clinic_tz)


@dataclass(frozen=True)
class Rules:
    clinic_tz: tzinfo = UTC
    late_cancel: timedelta = timedelta(hours=24)
    no_show_grace: timedelta = timedelta(minutes=15)
    penalties: PenaltyPolicy = field(default_factory=PenaltyPolicy)
    bookings: BookingLimits = field(default_factory=BookingLimits)
    cancellations: CancellationLimit = field(default_factory=CancellationLimit)
    client_time_max_age_days: int = 7  # an older offline write is refused (hms_platform.last_write)
