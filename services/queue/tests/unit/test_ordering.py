"""The line's order: urgency, then arrival, with aging; and the per-level bounds the database
counts people ahead with, checked against sorting the whole line."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from hms_platform.testing.clock import FakeClock
from hms_queue.domain.ordering import ALL, LEVELS, NONE, ahead_bound, effective_urgency, order_key

T0 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def test_lower_urgency_first_then_first_come() -> None:
    clock = FakeClock(T0)
    a, b, c = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    keys = {a: order_key(3, T0, a, clock.now(), 0),
            b: order_key(3, T0 + timedelta(minutes=1), b, clock.now(), 0),
            c: order_key(1, T0 + timedelta(minutes=2), c, clock.now(), 0)}
    assert sorted(keys, key=keys.__getitem__) == [c, a, b]


def test_aging_lifts_a_routine_ticket_one_level_per_period() -> None:
    clock = FakeClock(T0)
    joined = clock.now()
    assert effective_urgency(5, joined, clock.advance(minutes=29), 30) == 5
    assert effective_urgency(5, joined, clock.advance(minutes=1), 30) == 4
    assert effective_urgency(5, joined, clock.advance(minutes=90), 30) == 1
    assert effective_urgency(5, joined, clock.advance(hours=10), 30) == 1  # never below 1
    assert effective_urgency(5, joined, clock.now(), 0) == 5  # 0: aging off


def test_a_long_waiting_routine_patient_overtakes_a_newer_urgent_one() -> None:
    clock = FakeClock(T0)
    old, new = uuid.uuid4(), uuid.uuid4()
    now = clock.advance(minutes=60)  # old has waited an hour: 5 -> 3
    assert order_key(5, T0, old, now, 30) < order_key(3, now, new, now, 30)
    assert order_key(5, T0, old, now, 30) > order_key(2, now, new, now, 30)
    assert order_key(5, T0, old, now, 0) > order_key(3, now, new, now, 0)


def _ahead_by_bounds(line: list[tuple[int, datetime, uuid.UUID]], target: int, now: datetime,
                     aging: int) -> int:
    u, q, i = line[target]
    key = order_key(u, q, i, now, aging)
    count = 0
    for level in LEVELS:
        bound = ahead_bound(level, key, now, aging)
        for lu, lq, li in line:
            if lu != level or bound == NONE:
                continue
            if bound == ALL or (lq, li) < bound:
                count += 1
    return count


@pytest.mark.parametrize("aging", [0, 1, 7, 30])
@pytest.mark.parametrize("seed", range(6))
def test_bounds_count_exactly_the_tickets_sorted_ahead(aging: int, seed: int) -> None:
    rng = random.Random(seed)
    now = T0 + timedelta(hours=3)
    # joined on a coarse grid (ties in time), some after ``now`` (a clock skew must not break it)
    line = [(rng.randint(1, 5),
             T0 + timedelta(seconds=rng.choice([0, 30, 60]) * rng.randint(0, 300)),
             uuid.UUID(int=rng.getrandbits(128))) for _ in range(80)]
    ordered = sorted(range(len(line)), key=lambda j: order_key(*line[j], now, aging))
    for position, j in enumerate(ordered):
        assert _ahead_by_bounds(line, j, now, aging) == position
