"""Refused sign-ins in Postgres: a thousand of them leave one counter row and, once their
window has closed, one outbox event with the count; concurrent refusals and concurrent
reporters neither lose nor double a count."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa

from hms_auth.domain.errors import InvalidCredentials, TooManyAttempts
from hms_auth.service_layer import commands as c
from hms_platform.testing.clock import FakeClock

IP = "203.0.113.77"


async def scalar(engine, sql: str) -> object:
    async with engine.connect() as conn:
        return await conn.scalar(sa.text(sql))


async def attempt(bus, ip: str = IP) -> type[Exception]:
    try:
        await bus.handle(c.SignIn("0712345678", "a guess", ip))
    except (InvalidCredentials, TooManyAttempts) as refused:
        return type(refused)
    raise AssertionError("signed in with a guess")


@pytest.fixture
async def locked_out(make_db_bus):
    """A patient whose account is locked for IP by five wrong passwords."""
    clock = FakeClock()
    bus = await make_db_bus(clock=clock)
    await bus.handle(c.RegisterPatient("0712345678", "password-1", "Amina"))
    assert [await attempt(bus) for _ in range(5)] == [InvalidCredentials] * 5
    return bus, clock


async def test_a_thousand_refusals_are_one_row_and_one_event(locked_out, auth_engine) -> None:
    bus, clock = locked_out
    outbox = await scalar(auth_engine, "SELECT count(*) FROM auth.outbox")
    rows = await scalar(auth_engine, "SELECT count(*) FROM auth.throttle")
    for _ in range(1000):
        assert await attempt(bus) is TooManyAttempts
    assert await scalar(auth_engine, "SELECT count(*) FROM auth.outbox") == outbox
    assert await scalar(auth_engine, "SELECT count(*) FROM auth.throttle") == rows + 1
    clock.advance(minutes=15)
    assert await bus.handle(c.ReportThrottledSignIns()) == 1
    assert await bus.handle(c.ReportThrottledSignIns()) == 0
    async with auth_engine.connect() as conn:
        [body] = (await conn.execute(sa.text(
            "SELECT body FROM auth.outbox WHERE name = 'auth.login_throttled.v1'"))).scalars()
    assert (body["payload"]["attempts"], body["payload"]["ip"]) == (1000, IP)
    assert body["payload"]["limit"] == "account_address" and body["payload"]["user_id"]
    assert await scalar(auth_engine, "SELECT count(*) FROM auth.throttle "
                                     "WHERE scope = 'refused'") == 0


async def test_concurrent_refusals_and_reporters_count_each_attempt_once(
        locked_out, make_db_bus, auth_engine) -> None:
    bus, clock = locked_out
    results = await asyncio.gather(*(attempt(bus, ip) for ip in [IP] * 60))
    assert results == [TooManyAttempts] * 60
    clock.advance(minutes=15)
    reporters = [await make_db_bus(clock=clock) for _ in range(3)]
    counts = await asyncio.gather(*(r.handle(c.ReportThrottledSignIns(batch=1))
                                    for r in reporters))
    assert sum(counts) == 1
    attempts = await scalar(auth_engine, "SELECT sum((body->'payload'->>'attempts')::int) "
                                         "FROM auth.outbox WHERE name = 'auth.login_throttled.v1'")
    assert attempts == 60
