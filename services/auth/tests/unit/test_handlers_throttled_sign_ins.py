"""Refused sign-ins cost an attacker nothing: they are counted per window and audited once per
window with their count, never one event each."""

from __future__ import annotations

from datetime import datetime

import pytest

from hms_auth.domain import errors
from hms_auth.domain.throttle import Scope
from hms_auth.service_layer import commands as c

PASSWORD = "correct horse"
PHONE = "0712345678"


async def refuse(bus, username: str, ip: str, times: int) -> None:
    for _ in range(times):
        with pytest.raises(errors.TooManyAttempts):
            await bus.handle(c.SignIn(username, "a guess", ip))


async def fail(bus, username: str, ip: str, times: int) -> None:
    for _ in range(times):
        with pytest.raises(errors.InvalidCredentials):
            await bus.handle(c.SignIn(username, "a guess", ip))


def throttled(uow) -> list[dict]:
    return [e.payload for e in uow.events if e.name == "auth.login_throttled.v1"]


async def test_a_thousand_refused_sign_ins_are_one_event_with_their_count(
        bus, uow, clock, policy) -> None:
    user = await bus.handle(c.RegisterPatient(PHONE, PASSWORD, "Amina"))
    await fail(bus, PHONE, "203.0.113.9", 5)
    clock.advance(seconds=30)
    started = clock.now()
    events_before, rows_before = len(uow.events), len(uow.throttle.rows)
    for _ in range(1000):
        await refuse(bus, PHONE, "203.0.113.9", 1)
        clock.advance(milliseconds=100)
    assert len(uow.events) == events_before  # not one event per refusal
    assert len(uow.throttle.rows) == rows_before + 1  # one counter, not a row per attempt
    assert await bus.handle(c.ReportThrottledSignIns()) == 0  # the window is still open
    clock.advance(minutes=15)
    assert await bus.handle(c.ReportThrottledSignIns()) == 1
    [payload] = throttled(uow)
    assert {k: payload[k] for k in ("user_id", "ip", "limit", "attempts")} == {
        "user_id": str(user.id), "ip": "203.0.113.9", "limit": "account_address",
        "attempts": 1000}
    window = [datetime.fromisoformat(payload[k]) for k in ("window_start", "window_end")]
    assert window == [started, started + policy.throttle_window]
    assert await bus.handle(c.ReportThrottledSignIns()) == 0  # reported once
    assert not [k for k in uow.throttle.rows if k[0] == Scope.REFUSED]
    assert not [e for e in uow.events if e.payload.get("reason") == "throttled"]


async def test_the_next_refusal_after_a_window_reports_the_closed_one(bus, uow, clock) -> None:
    await bus.handle(c.RegisterPatient(PHONE, PASSWORD, "Amina"))
    await fail(bus, PHONE, "203.0.113.9", 5)
    await refuse(bus, PHONE, "203.0.113.9", 3)
    clock.advance(minutes=16)  # both windows over, and nobody has reported the refusals yet
    await fail(bus, PHONE, "203.0.113.9", 5)
    await refuse(bus, PHONE, "203.0.113.9", 2)
    assert [p["attempts"] for p in throttled(uow)] == [3]
    clock.advance(minutes=15)
    await bus.handle(c.ReportThrottledSignIns())
    assert [p["attempts"] for p in throttled(uow)] == [3, 2]


async def test_the_address_limit_counts_once_per_address_whatever_names_are_tried(
        bus, uow, clock, policy) -> None:
    for n in range(policy.address_failures):
        await fail(bus, f"someone{n}", "198.51.100.4", 1)
    for n in range(50):
        await refuse(bus, f"another{n}", "198.51.100.4", 1)
    clock.advance(minutes=15)
    await bus.handle(c.ReportThrottledSignIns())
    [payload] = throttled(uow)
    assert (payload["user_id"], payload["limit"], payload["attempts"]) == (None, "address", 50)


async def test_reports_go_a_batch_at_a_time_and_miss_nothing(bus, uow, clock) -> None:
    for n in range(7):
        ip = f"192.0.2.{n}"
        await fail(bus, "nobody", ip, 5)
        await refuse(bus, "nobody", ip, n + 1)
    clock.advance(minutes=15)
    assert await bus.handle(c.ReportThrottledSignIns(batch=3)) == 7
    assert sorted(p["attempts"] for p in throttled(uow)) == [1, 2, 3, 4, 5, 6, 7]
