"""A flood of sign-ins: no connection waits on Argon2, saturation is a quick 503, never a 500.

The reported failure: 250 parallel sign-ins held pooled connections while Argon2 ran, ten slow
hashes starved every other request, and the pool's TimeoutError became 500s.
"""

from __future__ import annotations

import asyncio
import io
from typing import Any

import httpx
import pytest

from hms_auth import bootstrap
from hms_auth.adapters.passwords import Argon2PasswordHasher
from hms_auth.domain.errors import InvalidCredentials
from hms_auth.entrypoints.api.app import create_app
from hms_auth.service_layer import commands as c
from hms_platform.logging import configure_logging, flush_logging


class PoolWatchingHasher(Argon2PasswordHasher):
    """Records how many pooled connections are checked out while each hash runs."""

    def __init__(self, engine: Any) -> None:
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1, concurrency=4,
                         max_waiting=1000)
        self.engine = engine
        self.checked_out: list[int] = []

    async def hash(self, secret: str) -> str:
        self.checked_out.append(self.engine.sync_engine.pool.checkedout())
        return await super().hash(secret)

    async def verify(self, secret: str, hashed: str | None) -> tuple[bool, str | None]:
        self.checked_out.append(self.engine.sync_engine.pool.checkedout())
        return await super().verify(secret, hashed)


async def test_no_connection_is_held_while_hashing(auth_engine, settings) -> None:
    hasher = PoolWatchingHasher(auth_engine)
    bus = bootstrap.build(settings, auth_engine, hasher=hasher)
    await bus.handle(c.EnsureSigningKey())
    user = await bus.handle(c.RegisterPatient("0712345678", "password-1", "Amina"))
    await bus.handle(c.SignIn("0712345678", "password-1", "10.0.0.1"))
    with pytest.raises(InvalidCredentials):
        await bus.handle(c.SignIn("0712345678", "wrong", "10.0.0.1"))
    await bus.handle(c.ChangePassword(user.id, "password-1", "password-2", "10.0.0.1"))
    walk_in = await bus.handle(c.RegisterWalkInPatient("0722000111", "W"))
    await bus.handle(c.ActivatePatient("0722000111", walk_in.activation_code, "password-3"))
    assert len(hasher.checked_out) >= 7 and set(hasher.checked_out) == {0}


@pytest.mark.e2e
async def test_a_flood_of_sign_ins_gets_no_5xx_but_quick_503s(make_client) -> None:
    """250 parallel sign-ins with unknown names, pwdlib's production Argon2 cost, a pool of 5:
    401, 429 or 503 with Retry-After; never 500; /healthz keeps answering meanwhile."""
    client: httpx.AsyncClient = await make_client(
        argon2_time_cost=None, argon2_memory_cost=None, argon2_parallelism=None,
        argon2_concurrency=2, argon2_max_waiting=8, db_pool_size=5)
    health: list[int] = []
    done = asyncio.Event()

    async def watch_health() -> None:
        while not done.is_set():
            async with asyncio.timeout(10):  # liveness, not speed: bench/ measures that
                health.append((await client.get("/api/auth/healthz")).status_code)
            await asyncio.sleep(0.05)

    async def sign_in(n: int) -> httpx.Response:
        return await client.post("/api/auth/token", data={"username": f"nobody{n}",
                                                           "password": "a-password"},
                                 headers={"X-Forwarded-For": f"10.{n // 200}.{n % 200}.1"})

    watcher = asyncio.create_task(watch_health())
    responses = await asyncio.gather(*(sign_in(n) for n in range(250)))
    done.set()
    await watcher
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {401, 429, 503}, sorted(set(statuses))
    assert statuses.count(503) > 0 and statuses.count(401) > 0
    assert all(r.headers.get("retry-after") for r in responses if r.status_code == 503)
    assert len(health) >= 2 and set(health) == {200}


class SometimesBrokenHasher(Argon2PasswordHasher):
    """Fails every third verification, as a crashed worker would, with the password in its
    frame's locals and in the exception text."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1, concurrency=2,
                         max_waiting=1000)
        self.calls = 0

    async def verify(self, secret: str, hashed: str | None) -> tuple[bool, str | None]:
        self.calls += 1
        if self.calls % 3 == 0:
            password = secret
            raise RuntimeError(f"hashing failed for password={password!r}")
        return await super().verify(secret, hashed)


@pytest.mark.e2e
async def test_a_flood_with_crashes_leaves_the_password_nowhere_in_the_log(
        auth_engine, settings) -> None:
    """The reported leak: 500s rendered tracebacks with locals, `password='...'` 24 times."""
    stream = io.StringIO()
    configure_logging(json=False, stream=stream)
    try:
        app = create_app(settings, engine=auth_engine)
        async with app.router.lifespan_context(app):
            app.state.bus = bootstrap.build(settings, auth_engine,
                                            hasher=SometimesBrokenHasher())
            transport = httpx.ASGITransport(app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url="http://auth") as client:
                responses = await asyncio.gather(*(client.post("/api/auth/token", data={
                    "username": f"user{n}", "password": "Known-Flood-Secret-9"},
                    headers={"X-Forwarded-For": f"10.1.{n}.1"}) for n in range(60)))
        assert flush_logging()
    finally:
        configure_logging(json=False)
    statuses = {r.status_code for r in responses}
    assert 500 in statuses and statuses <= {401, 500}
    out = stream.getvalue()
    assert out.count("RuntimeError") >= 10  # the crashes were logged, tracebacks and all
    assert "Known-Flood-Secret-9" not in out and "Known-Flood" not in out
