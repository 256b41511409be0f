"""Fixtures for every auth test. Test files run in importlib mode and cannot import this file,
each other or fakes.py, so everything shared is a fixture.

Unit tests: `bus` (handlers over fakes), `uow`, `hasher`, `clock`, `fakes`.
Integration and e2e: `auth_engine` (the session database, migrated once, emptied per test),
`settings`, `db_bus` (handlers over Postgres), `app` (started), `client`, `api` (HTTP helpers).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import random
import uuid
from collections.abc import AsyncIterator, Callable
from types import ModuleType
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from hms_auth import MIGRATIONS, bootstrap
from hms_auth.adapters.contacts import PhoneEmailValidator
from hms_auth.config import AuthSettings
from hms_auth.domain.policy import AuthPolicy
from hms_auth.entrypoints.api.app import create_app
from hms_auth.service_layer.commands import EnsureSigningKey
from hms_platform.messagebus import MessageBus
from hms_platform.migrations import upgrade
from hms_platform.sealing import Sealer
from hms_platform.testing.clock import FakeClock
from hms_platform.testing.database import empty
from hms_platform.testing.modules import load_beside

FAKES = load_beside(__file__, "fakes.py", "hms_auth_test_fakes")
ADMIN_USERNAME, ADMIN_PASSWORD = "admin", "admin-password-1"
_migrated: set[str] = set()
_numbers = itertools.count(random.randrange(1_000_000))


@pytest.fixture
def fakes() -> ModuleType:
    return FAKES


@pytest.fixture
def new_phone() -> Callable[[], str]:
    """A fresh, valid Kenyan mobile number (E.164) on every call."""
    return lambda: f"+25471{next(_numbers) % 10_000_000:07d}"


# ---- unit: handlers over fakes ----------------------------------------------------------

@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def policy() -> AuthPolicy:
    return AuthPolicy()


@pytest.fixture
def uow() -> Any:
    return FAKES.FakeUnitOfWork()


@pytest.fixture
def hasher() -> Any:
    return FAKES.FakePasswordHasher()


@pytest.fixture
def pause() -> Any:
    return FAKES.FakePause()


@pytest.fixture
def sealer() -> Sealer:
    return Sealer(os.urandom(32))


@pytest.fixture
async def bus(uow: Any, hasher: Any, clock: FakeClock, policy: AuthPolicy, pause: Any,
              sealer: Sealer) -> MessageBus:
    message_bus = bootstrap.bootstrap(
        lambda: uow, hasher=hasher, contacts=PhoneEmailValidator("KE"),
        signer=FAKES.FakeSigner(), new_key=FAKES.FakeKeyGenerator(), clock=clock, policy=policy,
        sealer=sealer, pause=pause)
    await message_bus.handle(EnsureSigningKey())
    return message_bus


# ---- integration and e2e: real Postgres ---------------------------------------------------

@pytest.fixture
async def auth_engine(engine: AsyncEngine, database_url: str) -> AsyncEngine:
    """The session database with auth's migrations applied (once) and its tables empty."""
    if database_url not in _migrated:
        await upgrade(engine, MIGRATIONS)
        _migrated.add(database_url)
    await empty(engine, "auth")
    return engine


def build_settings(database_url: str, **overrides: Any) -> AuthSettings:
    values: dict[str, Any] = {
        "environment": "test", "database_url": database_url,
        # Cheap Argon2: the suite hashes hundreds of passwords on a shared 2-core machine.
        "argon2_time_cost": 1, "argon2_memory_cost": 1024, "argon2_parallelism": 1,
        "admin_username": ADMIN_USERNAME, "admin_password": ADMIN_PASSWORD,
        # httpx's ASGITransport connects from 127.0.0.1: it plays the gateway, so tests can
        # pose as different clients with X-Forwarded-For.
        "trusted_proxies": ["127.0.0.1"],
        "jwks_min_refresh_seconds": 0,  # a key rotated mid-test is picked up at once
        # Every request of a test comes from one address: only the throttling tests (which
        # set it low) should meet the per-address registration limit.
        "throttle_registrations_per_address": 1000,
    }
    values.update(overrides)
    return AuthSettings(**values)


@pytest.fixture
def make_settings(database_url: str) -> Callable[..., AuthSettings]:
    return lambda **overrides: build_settings(database_url, **overrides)


@pytest.fixture
def settings(make_settings: Callable[..., AuthSettings]) -> AuthSettings:
    return make_settings()


@pytest.fixture
def make_db_bus(auth_engine: AsyncEngine, settings: AuthSettings) -> Callable[..., Any]:
    """Handlers over Postgres; `clock` to move time, `settings` to change limits."""

    async def make(clock: Any = None, settings_: AuthSettings | None = None) -> MessageBus:
        message_bus = bootstrap.build(settings_ or settings, auth_engine, clock=clock)
        await message_bus.handle(EnsureSigningKey())
        return message_bus

    return make


@pytest.fixture
async def db_bus(make_db_bus: Callable[..., Any]) -> MessageBus:
    bus_: MessageBus = await make_db_bus()
    return bus_


@pytest.fixture
async def app(settings: AuthSettings, auth_engine: AsyncEngine) -> AsyncIterator[FastAPI]:
    application = create_app(settings, engine=auth_engine)
    async with application.router.lifespan_context(application):  # ASGITransport skips it
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app)
    async with httpx.AsyncClient(transport=transport, base_url="http://auth.test") as c:
        yield c


@pytest.fixture
async def make_client(auth_engine: AsyncEngine, make_settings: Callable[..., AuthSettings]
                      ) -> AsyncIterator[Callable[..., Any]]:
    """Another started app with settings overrides, as an httpx client."""
    async with contextlib.AsyncExitStack() as stack:
        async def make(**overrides: Any) -> httpx.AsyncClient:
            application = create_app(make_settings(**overrides), engine=auth_engine)
            await stack.enter_async_context(application.router.lifespan_context(application))
            return await stack.enter_async_context(httpx.AsyncClient(
                transport=httpx.ASGITransport(application), base_url="http://auth.test"))

        yield make


class Api:
    """HTTP helpers over the started app."""

    def __init__(self, client: httpx.AsyncClient, new_phone: Callable[[], str]) -> None:
        self.client = client
        self.new_phone = new_phone

    @staticmethod
    def bearer(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    async def sign_in(self, username: str, password: str, **kwargs: Any) -> httpx.Response:
        return await self.client.post("/api/auth/token",
                                      data={"username": username, "password": password}, **kwargs)

    async def tokens(self, username: str, password: str) -> dict[str, Any]:
        response = await self.sign_in(username, password)
        assert response.status_code == 200, response.text
        tokens: dict[str, Any] = response.json()
        return tokens

    async def admin(self) -> dict[str, str]:
        return self.bearer((await self.tokens(ADMIN_USERNAME, ADMIN_PASSWORD))["access_token"])

    async def register_patient(self, password: str = "patient-password", **body: Any) -> Any:
        payload = {"phone_number": self.new_phone(), "password": password,
                   "full_name": "Pat Patient", **body}
        response = await self.client.post("/api/auth/patients/register", json=payload)
        assert response.status_code == 201, response.text
        return response.json()

    async def create_staff(self, role: str, password: str = "staff-password", **body: Any) -> Any:
        payload = {"username": f"{role}.{uuid.uuid4().hex[:8]}", "password": password,
                   "role": role, "full_name": f"Some {role.title()}", **body}
        if role == "doctor":
            payload = {"department": "General", "room": "1", **payload}
        response = await self.client.post("/api/auth/users", json=payload,
                                          headers=await self.admin())
        assert response.status_code == 201, response.text
        return response.json()

    async def user_with_role(self, role: str) -> tuple[Any, dict[str, Any]]:
        """(the user, their token pair) for a new user with `role`."""
        if role == "admin":
            user = await self.create_staff("admin")
        elif role == "patient":
            user = await self.register_patient()
            return user, await self.tokens(user["username"], "patient-password")
        else:
            user = await self.create_staff(role)
        return user, await self.tokens(user["username"], "staff-password")


@pytest.fixture
def api(client: httpx.AsyncClient, new_phone: Callable[[], str]) -> Api:
    return Api(client, new_phone)
