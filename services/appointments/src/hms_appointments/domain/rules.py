"""The clinic's time rules, the no-show penalty policy and the booking limits, as plain values
from settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo

from hms_appointments.domain.errors import BeyondHorizon, BookingBlocked, BookingLimitReached


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
class Rules:
    clinic_tz: tzinfo = UTC
    late_cancel: timedelta = timedelta(hours=24)
    no_show_grace: timedelta = timedelta(minutes=15)
    penalties: PenaltyPolicy = field(default_factory=PenaltyPolicy)
    bookings: BookingLimits = field(default_factory=BookingLimits)
