"""pytest plugin loaded by every test run (``-p hms_platform.testing.plugin``).

Session fixtures give each run its own database and its own exchange/queue prefix, so runs on
one machine never see each other's data. Tests under ``integration/`` and ``e2e/`` folders are
marked as such, for ``make unit`` / ``make integration`` / ``make e2e``.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Iterator

import asyncpg
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from hms_platform.auth import TokenVerifier
from hms_platform.db import make_engine
from hms_platform.messaging.rabbit import RabbitBus
from hms_platform.pgurl import libpq_url
from hms_platform.testing.infra import postgres_server, rabbitmq_server
from hms_platform.testing.tokens import TokenFactory


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = str(item.path)
        if "/integration/" in path:
            item.add_marker(pytest.mark.integration)
        elif "/e2e/" in path or "/tests/system/" in path:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url


@pytest.fixture(scope="session")
def database_url(postgres_url: str) -> Iterator[str]:
    """A fresh database for this test session (asyncpg URL), dropped at the end."""
    name = f"hms_test_{uuid.uuid4().hex[:12]}"

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(libpq_url(postgres_url))
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    yield make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    eng = make_engine(database_url, pool_size=5)
    yield eng
    await eng.dispose()


@pytest.fixture
def tokens() -> TokenFactory:
    """Signs access tokens as auth would, with a key of its own (and forges them)."""
    return TokenFactory()


@pytest.fixture
def verifier(tokens: TokenFactory) -> TokenVerifier:
    """What a service's API checks tokens with: trusts ``tokens`` and nothing else."""
    return tokens.verifier()


@pytest.fixture(scope="session")
def amqp_url() -> Iterator[str]:
    with rabbitmq_server() as url:
        yield url


@pytest.fixture(scope="session")
def amqp_prefix(amqp_url: str) -> Iterator[str]:
    """A namespace for exchanges and queues; everything declared under it is deleted at the end."""
    prefix = f"t{uuid.uuid4().hex[:8]}."
    yield prefix
    asyncio.run(_delete_declared(amqp_url))


_BUSES: list[RabbitBus] = []


def track_bus(bus: RabbitBus) -> RabbitBus:
    """Remember a test bus so the session deletes what it declared afterwards."""
    _BUSES.append(bus)
    return bus


async def _delete_declared(url: str) -> None:
    import aio_pika

    connection = await aio_pika.connect(url)
    async with connection:
        for name in sorted({q for bus in _BUSES for q in bus.declared_queues}):
            channel = await connection.channel()
            with contextlib.suppress(Exception):  # already gone
                await channel.queue_delete(name)
        exchanges = {x for bus in _BUSES for x in (bus.exchange_name, bus.dead_exchange_name)}
        for name in sorted(exchanges):
            channel = await connection.channel()
            with contextlib.suppress(Exception):
                await channel.exchange_delete(name)
