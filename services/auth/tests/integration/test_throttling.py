"""Sign-in throttling with its state in Postgres, per account and per client address."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
import sqlalchemy as sa

from hms_auth.adapters.keys import KeyCipher
from hms_auth.adapters.unit_of_work import SqlAuthUnitOfWork
from hms_auth.domain.errors import InvalidCredentials, TooManyAttempts
from hms_auth.service_layer import commands as c
from hms_platform.testing.clock import FakeClock


@pytest.fixture
async def timed(make_db_bus):
    clock = FakeClock()
    bus = await make_db_bus(clock=clock)
    await bus.handle(c.RegisterPatient("0712345678", "password-1", "Amina"))
    return bus, clock


async def fail(bus, username: str, ip: str, times: int) -> None:
    for _ in range(times):
        with pytest.raises(InvalidCredentials):
            await bus.handle(c.SignIn(username, "wrong-password", ip))


async def test_an_account_is_blocked_from_that_address_not_from_others(timed,
                                                                      auth_engine) -> None:
    bus, clock = timed
    await fail(bus, "0712345678", "10.0.0.1", 5)
    clock.advance(minutes=14)
    with pytest.raises(TooManyAttempts) as throttled:
        await bus.handle(c.SignIn("+254 712 345 678", "password-1", "10.0.0.1"))
    assert throttled.value.retry_after == 60
    assert await bus.handle(c.SignIn("0712345678", "password-1", "10.0.0.2"))  # the owner
    async with auth_engine.connect() as conn:
        rows = (await conn.execute(sa.text(
            "SELECT scope, key, failures FROM auth.throttle WHERE scope <> 'registration' "
            "ORDER BY scope, key"))).all()
    assert [(r.scope, r.key.rsplit("|", 1)[-1], r.failures) for r in rows] == [
        ("account_address", "10.0.0.1", 5),  # the guessing address stays blocked
        ("address", "10.0.0.1", 5), ("address", "10.0.0.2", 0),  # the success gave its back
        ("refused", "10.0.0.1", 1)]  # refused attempts are counted, not one event each
    clock.advance(minutes=1)
    assert await bus.handle(c.SignIn("0712345678", "password-1", "10.0.0.1"))


async def test_unknown_and_existing_accounts_block_alike(timed) -> None:
    bus, _ = timed
    answers = []
    for username in ("ghost.user", "0712345678"):
        await fail(bus, username, f"10.9.9.{len(answers)}", 5)
        with pytest.raises(TooManyAttempts) as throttled:
            await bus.handle(c.SignIn(username, "wrong-password", f"10.9.9.{len(answers)}"))
        answers.append((str(throttled.value), throttled.value.retry_after))
    assert answers[0] == answers[1]


async def test_an_address_is_blocked_across_accounts(make_db_bus, make_settings) -> None:
    bus = await make_db_bus(settings_=make_settings(throttle_address_failures=20))
    await bus.handle(c.RegisterPatient("0712345678", "password-1", "Amina"))
    for n in range(20):
        await fail(bus, f"someone{n}", "203.0.113.50", 1)
    with pytest.raises(TooManyAttempts):
        await bus.handle(c.SignIn("0712345678", "password-1", "203.0.113.50"))
    assert await bus.handle(c.SignIn("0712345678", "password-1", "203.0.113.51"))


async def test_concurrent_guesses_evaluate_at_most_the_limit(timed, auth_engine) -> None:
    """The reported overshoot: 39 wrong passwords and the right one in parallel from one
    address used to evaluate 14 of them (limit 5), and the right one got in."""
    bus, _ = timed
    attempts = [c.SignIn("0712345678", "wrong-password", "10.7.7.7") for _ in range(39)]
    attempts.insert(20, c.SignIn("0712345678", "password-1", "10.7.7.7"))
    results = await asyncio.gather(*(bus.handle(a) for a in attempts), return_exceptions=True)
    evaluated = [r for r in results if not isinstance(r, TooManyAttempts)]
    assert all(not isinstance(r, Exception) or isinstance(r, InvalidCredentials)
               for r in evaluated)
    assert len(evaluated) <= 5 and len(results) - len(evaluated) >= 35
    async with auth_engine.connect() as conn:
        failed = await conn.scalar(sa.text(
            "SELECT count(*) FROM auth.outbox WHERE name = 'auth.login_failed.v1' "
            "AND body->'payload'->>'reason' <> 'throttled'"))
    assert failed == sum(isinstance(r, InvalidCredentials) for r in results) <= 5


async def test_concurrent_takes_stop_exactly_at_the_limit(auth_engine, settings) -> None:
    cipher = KeyCipher.from_base64(settings.key_encryption_key.get_secret_value())
    clock = FakeClock()

    async def one_take() -> bool:
        async with SqlAuthUnitOfWork(auth_engine, cipher) as uow:
            state = await uow.throttle.take("address", "198.51.100.2", clock.now(),
                                            timedelta(minutes=15), 5)
            await uow.commit()
        return state is not None

    taken = await asyncio.gather(*(one_take() for _ in range(30)))
    assert sum(taken) == 5
    async with SqlAuthUnitOfWork(auth_engine, cipher) as uow:
        state = await uow.throttle.get("address", "198.51.100.2")
        assert state is not None and state.failures == 5
        clock.advance(minutes=15)  # the full window has passed: the next take opens a new one
        fresh = await uow.throttle.take("address", "198.51.100.2", clock.now(),
                                        timedelta(minutes=15), 5)
    assert fresh is not None and (fresh.failures, fresh.window_start) == (1, clock.now())


async def test_concurrent_failures_are_all_counted(auth_engine, settings) -> None:
    cipher = KeyCipher.from_base64(settings.key_encryption_key.get_secret_value())
    clock = FakeClock()

    async def one_failure() -> None:
        async with SqlAuthUnitOfWork(auth_engine, cipher) as uow:
            await uow.throttle.record_failure("address", "198.51.100.1", clock.now(),
                                              timedelta(minutes=15))
            await uow.commit()

    await asyncio.gather(*(one_failure() for _ in range(12)))
    async with SqlAuthUnitOfWork(auth_engine, cipher) as uow:
        state = await uow.throttle.get("address", "198.51.100.1")
        assert state is not None and state.failures == 12
        clock.advance(minutes=15)
        fresh = await uow.throttle.record_failure("address", "198.51.100.1", clock.now(),
                                                  timedelta(minutes=15))
    assert (fresh.failures, fresh.window_start) == (1, clock.now())
