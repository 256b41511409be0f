"""Wait estimates: an exponentially weighted moving average of a doctor's recent service
times, seeded with their slot length, times the people ahead, plus what is left of the visit
in progress."""

from __future__ import annotations

import math


def seed_seconds(slot_minutes: int | None, default_minutes: float) -> float:
    return 60.0 * (slot_minutes if slot_minutes else default_minutes)


def updated_average(average: float, service_seconds: float, alpha: float) -> float:
    """One EWMA step; ``alpha`` is the weight of the newest service time."""
    return alpha * service_seconds + (1 - alpha) * average


def eta_minutes(people_ahead: int, average_seconds: float,
                in_service_seconds: float | None = None) -> int:
    """Minutes until the ticket's turn: everyone ahead takes an average visit, and the visit
    in progress (if any) its remainder (at least nothing, however long it has run)."""
    remainder = 0.0 if in_service_seconds is None else max(0.0, average_seconds
                                                           - in_service_seconds)
    return math.ceil((people_ahead * average_seconds + remainder) / 60)
