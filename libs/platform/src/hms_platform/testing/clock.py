from __future__ import annotations

from datetime import UTC, datetime, timedelta


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, **kwargs: float) -> datetime:
        self._now += timedelta(**kwargs)
        return self._now

    def set(self, when: datetime) -> None:
        self._now = when


def early_morning_zone(now: datetime | None = None) -> str:
    """A fixed-offset zone where the clinic day has just begun (about 02:00), so that a whole
    run's slots, check-ins and lines fall in today, whatever the hour here (the fault suite,
    make bench's system part)."""
    offset = (2 - (now or datetime.now(UTC)).hour) % 24
    offset = offset - 24 if offset > 14 else offset
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"
