"""The fixtures every service's integration and e2e tests declared alike, written once: a
service's conftest names its migrations, schema, settings and the rest, and binds what these
return to module names (pytest finds fixtures by those names)::

    migrated_url, db, settings, clock = service_fixtures(MIGRATIONS, "x", XSettings, NOW)
    bus = bus_fixture(lambda db, clock, settings: bootstrap(sql_uow_factory(db), clock=clock))
    world = world_fixture("x", build_consumer, sql_uow_factory, helpers)
    producer = producer_fixture(build_consumer, NOW)
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any, NamedTuple

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from hms_contracts.auth import UserRegistered
from hms_contracts.envelope import Envelope, EventPayload
from hms_platform.messagebus import MessageBus
from hms_platform.testing.clock import FakeClock
from hms_platform.testing.database import emptied_engine, migrated

Consumer = Callable[[Envelope], Awaitable[object]]


class ServiceFixtures(NamedTuple):
    migrated_url: Any
    db: Any
    settings: Any
    clock: Any


def service_fixtures(migrations: str | Path, schema: str, settings_class: Callable[..., Any],
                     now: datetime, *, pool_size: int = 5, **values: Any) -> ServiceFixtures:
    """``migrated_url`` (the session's database, the service's migrations run once), ``db`` (an
    engine on it with ``schema`` emptied before each test), ``settings`` (``settings_class``
    for a test on that URL, with ``values``) and ``clock`` (a FakeClock at ``now``)."""

    @pytest.fixture(scope="session", name="migrated_url")
    def migrated_url_(database_url: str) -> str:
        return migrated(database_url, migrations)

    @pytest.fixture(name="db")
    async def db_(migrated_url: str) -> AsyncIterator[AsyncEngine]:
        async with emptied_engine(migrated_url, schema, pool_size=pool_size) as engine:
            yield engine

    @pytest.fixture(name="settings")
    def settings_(migrated_url: str) -> Any:
        return settings_class(environment="test", database_url=migrated_url, **values)

    @pytest.fixture(name="clock")
    def clock_() -> FakeClock:
        return FakeClock(now)

    return ServiceFixtures(migrated_url_, db_, settings_, clock_)


def bus_fixture(make_bus: Callable[[AsyncEngine, FakeClock, Any], MessageBus]) -> Any:
    """``bus``: the service's handlers over the real database, ``make_bus(db, clock,
    settings)``."""

    @pytest.fixture(name="bus")
    def bus_(db: AsyncEngine, clock: FakeClock, settings: Any) -> MessageBus:
        return make_bus(db, clock, settings)

    return bus_


def producer_fixture(build_consumer: Callable[[Any, AsyncEngine], Consumer],
                     now: datetime) -> Any:
    """``producer``: ``await producer.send(payload, at=None, **envelope)`` hands an event (at
    ``now`` unless ``at``) to the service's real inbox consumer, as the broker would deliver
    it, and returns its envelope; ``producer.deliver(envelope)`` hands one again."""

    @pytest.fixture(name="producer")
    def producer_(db: AsyncEngine, settings: Any) -> SimpleNamespace:
        consumer = build_consumer(settings, db)

        async def send(payload: EventPayload, at: datetime | None = None,
                       **envelope: Any) -> Envelope:
            sent = Envelope.of(payload, occurred_at=at or now, **envelope)
            await consumer(sent)
            return sent

        async def deliver(sent: Envelope) -> None:
            await consumer(sent)

        return SimpleNamespace(send=send, deliver=deliver, consumer=consumer)

    return producer_


def world_fixture(schema: str, build_consumer: Callable[[Any, AsyncEngine], Consumer],
                  uow_factory: Callable[[AsyncEngine], object],
                  helpers: Callable[[SimpleNamespace], dict[str, Any]]) -> Any:
    """``world``: seeding and inspection helpers over the real database. Every service's has
    ``register(role, name="", **fields)`` (a user, announced to the service's real consumer as
    auth would; returns the id), ``scalar(sql, **params)``, ``events(name)`` (the payloads of
    the outbox's events of that name, in order), ``consumer``, ``engine``, ``uow_factory``,
    ``bus``, ``clock`` and ``settings``; ``helpers(world)`` adds the service's own."""

    @pytest.fixture(name="world")
    def world_(db: AsyncEngine, bus: MessageBus, clock: FakeClock,
               settings: Any) -> SimpleNamespace:
        consumer = build_consumer(settings, db)

        async def register(role: str, name: str = "", **fields: Any) -> uuid.UUID:
            user_id = fields.pop("user_id", None) or uuid.uuid4()
            await consumer(Envelope.of(UserRegistered(
                user_id=user_id, role=role, full_name=name or f"{role} {str(user_id)[:4]}",
                **fields)))
            return user_id

        async def scalar(sql: str, **params: Any) -> Any:
            async with db.connect() as conn:
                return (await conn.execute(sa.text(sql), params)).scalar_one()

        async def events(name: str) -> list[dict[str, Any]]:
            async with db.connect() as conn:
                rows = await conn.execute(sa.text(
                    f"SELECT body FROM {schema}.outbox WHERE name = :n ORDER BY id"), {"n": name})
                return [r.body["payload"] for r in rows]

        world = SimpleNamespace(register=register, scalar=scalar, events=events,
                                consumer=consumer, engine=db, uow_factory=uow_factory(db),
                                bus=bus, clock=clock, settings=settings)
        vars(world).update(helpers(world))
        return world

    return world_
