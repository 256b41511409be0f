"""The wait estimate's arithmetic."""

from __future__ import annotations

from hms_queue.domain.estimate import eta_minutes, seed_seconds, updated_average


def test_seeded_with_the_slot_length_else_the_default() -> None:
    assert seed_seconds(20, 15) == 1200
    assert seed_seconds(None, 15) == 900


def test_average_moves_towards_recent_visits() -> None:
    average = 600.0
    for _ in range(20):
        average = updated_average(average, 300, 0.3)
    assert 300 < average < 301
    assert updated_average(600, 300, 0.3) == 510


def test_eta_counts_people_ahead_and_the_rest_of_the_current_visit() -> None:
    assert eta_minutes(0, 600) == 0
    assert eta_minutes(3, 600) == 30
    assert eta_minutes(3, 600, in_service_seconds=240) == 36
    assert eta_minutes(3, 600, in_service_seconds=900) == 30  # overrunning: nothing left
