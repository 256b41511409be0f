"""Throttle window math and signing-key rotation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hms_auth.domain.keys import KeyStatus, SigningKey, rotate
from hms_auth.domain.throttle import ThrottleState, after_failure

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=15)


def test_failures_count_within_a_window_and_start_over_after_it() -> None:
    state = after_failure(None, NOW, WINDOW)
    assert state == ThrottleState(NOW, 1)
    state = after_failure(state, NOW + timedelta(minutes=14, seconds=59), WINDOW)
    assert state == ThrottleState(NOW, 2)
    assert after_failure(state, NOW + WINDOW, WINDOW) == ThrottleState(NOW + WINDOW, 1)


def test_retry_after_is_the_rest_of_the_window_once_the_limit_is_reached() -> None:
    state = ThrottleState(NOW, 5)
    assert ThrottleState(NOW, 4).retry_after(NOW, WINDOW, limit=5) == 0
    assert state.retry_after(NOW, WINDOW, limit=5) == 900
    assert state.retry_after(NOW + timedelta(minutes=10, milliseconds=1), WINDOW, 5) == 300
    assert state.retry_after(NOW + timedelta(minutes=14, seconds=59, microseconds=1),
                             WINDOW, 5) == 1  # never "retry in 0 s" while still blocked
    assert state.retry_after(NOW + WINDOW, WINDOW, limit=5) == 0


def key(kid: str, status: KeyStatus) -> SigningKey:
    return SigningKey(kid, status, {"kid": kid}, NOW, private_pem=b"pem")


def test_rotation_moves_every_key_one_step_and_forgets_retired_private_keys() -> None:
    old, current, previous = (key("old", KeyStatus.RETIRED), key("cur", KeyStatus.CURRENT),
                              key("prev", KeyStatus.PREVIOUS))
    new = key("new", KeyStatus.RETIRED)
    changed = rotate([old, current, previous], new)
    assert [k.kid for k in changed] == ["prev", "cur", "new"]  # order keeps the unique indexes
    assert (previous.status, previous.private_pem) == (KeyStatus.RETIRED, None)
    assert (current.status, current.private_pem) == (KeyStatus.PREVIOUS, b"pem")
    assert new.status is KeyStatus.CURRENT and old.status is KeyStatus.RETIRED


def test_the_first_rotation_has_no_previous_key_to_retire() -> None:
    current, new = key("cur", KeyStatus.CURRENT), key("new", KeyStatus.CURRENT)
    assert [k.kid for k in rotate([current], new)] == ["cur", "new"]
    assert current.status is KeyStatus.PREVIOUS
