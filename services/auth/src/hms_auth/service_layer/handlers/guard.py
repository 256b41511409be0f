"""Throttling of guesses (passwords, one-time codes) and of registrations.

An attempt is taken from every counter before it is evaluated, in one short transaction:
the increment is atomic in the database, so N concurrent guesses evaluate at most the limit.
A failed attempt simply keeps what it took; a successful one gives it back.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from hms_auth.domain.errors import ServiceBusy
from hms_auth.domain.policy import AuthPolicy
from hms_auth.domain.throttle import Scope
from hms_auth.service_layer.ports import PasswordHasher, ThrottleRepository, UnitOfWork


@dataclass(frozen=True)
class Counter:
    scope: Scope
    key: str
    limit: int
    window: timedelta


@dataclass(frozen=True)
class Hold:
    """One attempt taken from a counter, in the window that started at `window_start`."""

    counter: Counter
    window_start: datetime


def subject_key(user_id: uuid.UUID | None, attempted: str) -> str:
    """The account's id when it exists, else a digest of the name tried: unknown and existing
    accounts are throttled alike, and a password typed into the username field is not stored."""
    if user_id is not None:
        return f"id:{user_id}"
    return "name:" + hashlib.sha256(attempted.encode("utf-8")).hexdigest()[:40]


def address_key(client_ip: str) -> str:
    """The client address as counters key it (an X-Forwarded-For hop can be anything)."""
    return client_ip[:100]


def guess_counters(scope: Scope, subject: str, client_ip: str, policy: AuthPolicy,
                   limit: int | None = None) -> list[Counter]:
    """Guesses at one subject from one address, and everything evaluated from that address."""
    ip = address_key(client_ip)
    return [Counter(scope, f"{subject}|{ip}", limit or policy.account_address_failures,
                    policy.throttle_window),
            Counter(Scope.ADDRESS, ip, policy.address_failures, policy.throttle_window)]


def registration_counter(client_ip: str, policy: AuthPolicy) -> Counter:
    return Counter(Scope.REGISTRATION, address_key(client_ip), policy.registrations_per_address,
                   policy.throttle_window)


def reset_request_counters(phone: str, client_ip: str, policy: AuthPolicy) -> list[Counter]:
    """Reset codes asked for from one address, and for one phone number (a digest: the
    number itself is not stored), as `take` takes them: the address first."""
    digest = hashlib.sha256(phone.encode("utf-8")).hexdigest()[:40]
    return [Counter(Scope.RESET_ADDRESS, address_key(client_ip),
                    policy.reset_requests_per_address, policy.throttle_window),
            Counter(Scope.RESET_PHONE, f"phone:{digest}", policy.reset_requests_per_phone,
                    policy.reset_request_window)]


async def take(throttle: ThrottleRepository, counters: Sequence[Counter],
               now: datetime) -> tuple[list[Hold], int]:
    """Take one attempt from every counter, or from none: (holds, 0), or ([], seconds to wait).

    Run it in its own transaction and commit at once: the counters' rows stay locked until then.
    """
    holds, wait, _ = await take_or_refuse(throttle, counters, now)
    return holds, wait


async def take_or_refuse(throttle: ThrottleRepository, counters: Sequence[Counter],
                         now: datetime) -> tuple[list[Hold], int, Counter | None]:
    """`take`, and also the counter that refused (None when none did)."""
    holds: list[Hold] = []
    for counter in counters:
        state = await throttle.take(counter.scope, counter.key, now, counter.window,
                                    counter.limit)
        if state is None:
            await give_back(throttle, holds)
            current = await throttle.get(counter.scope, counter.key)
            wait = current.retry_after(now, counter.window, counter.limit) if current else 1
            return [], max(1, wait), counter
        holds.append(Hold(counter, state.window_start))
    return holds, 0, None


async def give_back(throttle: ThrottleRepository, holds: Sequence[Hold]) -> None:
    for hold in holds:
        await throttle.give_back(hold.counter.scope, hold.counter.key, hold.window_start)


async def succeeded(throttle: ThrottleRepository, holds: Sequence[Hold]) -> None:
    """The attempt was right: the guessed subject's counter starts over; the address gets its
    attempt back (it counts failures)."""
    for hold in holds:
        if hold.counter.scope is Scope.ADDRESS:
            await give_back(throttle, [hold])
        else:
            await throttle.reset(hold.counter.scope, hold.counter.key)


async def verify(uow: UnitOfWork, hasher: PasswordHasher, holds: Sequence[Hold],
                 secret: str, hashed: str | None) -> tuple[bool, str | None]:
    """Verify outside any transaction. When hashing is saturated the attempt was never made,
    so what it took from the counters goes back."""
    try:
        return await hasher.verify(secret, hashed)
    except ServiceBusy:
        async with uow:
            await give_back(uow.throttle, holds)
            await uow.commit()
        raise
