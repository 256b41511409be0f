"""Throttling of guesses (passwords, activation codes), shared by sign-in and activation."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from hms_auth.domain.policy import AuthPolicy
from hms_auth.domain.throttle import Scope
from hms_auth.service_layer.ports import ThrottleRepository


@dataclass(frozen=True)
class Counter:
    scope: Scope
    key: str
    limit: int


def subject_key(user_id: uuid.UUID | None, attempted: str) -> str:
    """The account's id when it exists, else a digest of the name tried: unknown and existing
    accounts are throttled alike, and a password typed into the username field is not stored."""
    if user_id is not None:
        return f"id:{user_id}"
    return "name:" + hashlib.sha256(attempted.encode("utf-8")).hexdigest()[:40]


def counters(scope: Scope, subject: str, client_ip: str, policy: AuthPolicy) -> list[Counter]:
    return [Counter(scope, subject, policy.account_failures),
            Counter(Scope.ADDRESS, client_ip[:100], policy.address_failures)]


async def retry_after(throttle: ThrottleRepository, guards: Sequence[Counter], now: datetime,
                      policy: AuthPolicy) -> int:
    """Seconds to wait before the next attempt (0: go ahead).

    Read without a lock: attempts already in flight may each add a failure past the limit, so
    a burst of N concurrent guesses can exceed it by at most N once, and then waits like all.
    """
    wait = 0
    for guard in guards:
        state = await throttle.get(guard.scope, guard.key)
        if state is not None:
            wait = max(wait, state.retry_after(now, policy.throttle_window, guard.limit))
    return wait


async def count_failure(throttle: ThrottleRepository, guards: Sequence[Counter], now: datetime,
                        policy: AuthPolicy) -> None:
    for guard in guards:
        await throttle.record_failure(guard.scope, guard.key, now, policy.throttle_window)
