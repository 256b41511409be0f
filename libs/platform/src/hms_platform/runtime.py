"""Process entrypoints every service shares: the HTTP server, the outbox relay and the event
consumer.

A service's ``entrypoints/relay.py`` and ``entrypoints/consumer.py`` build their tables and
handlers and hand them to these; SIGTERM/SIGINT stop them after the message in hand. Every
uvicorn start goes through ``uvicorn_config``, so none of them can believe X-Forwarded-For.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

import structlog
import uvloop
from sqlalchemy.ext.asyncio import AsyncEngine

from hms_platform.db import make_engine, ping
from hms_platform.logging import configure_logging
from hms_platform.messaging.bus import EventBus
from hms_platform.messaging.inbox import InboxConsumer
from hms_platform.messaging.memory import InMemoryBus
from hms_platform.messaging.rabbit import RabbitBus
from hms_platform.outbox import OutboxRelay, OutboxTables
from hms_platform.probe import probe_server
from hms_platform.readiness import ReadinessCheck
from hms_platform.settings import ServiceSettings

log = structlog.get_logger(__name__)
T = TypeVar("T")
S = TypeVar("S", bound=ServiceSettings)


def stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def make_bus(settings: ServiceSettings) -> EventBus:
    """``memory://`` gives the in-process bus (embedded run); anything else is RabbitMQ."""
    url = settings.amqp_url.get_secret_value()
    if url.startswith("memory://"):
        return InMemoryBus()
    bus = RabbitBus(url, prefix=settings.amqp_prefix, heartbeat=settings.amqp_heartbeat,
                    publish_timeout=settings.publish_timeout)
    return await bus.connect()


def run(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` on uvloop (what uvicorn picks for the APIs) when it is installed: every
    long-running process (relay, consumer, scheduler, the embedded run) gets the faster loop."""
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(main)


def _dependencies(engine: AsyncEngine, bus: EventBus) -> dict[str, ReadinessCheck]:
    async def broker() -> bool:
        return bus.is_connected()

    return {"database": lambda: ping(engine), "broker": broker}


def database_probe(settings: ServiceSettings, engine: AsyncEngine
                   ) -> contextlib.AbstractAsyncContextManager[int | None]:
    """/healthz and /readyz (its database) on ``<PREFIX>HEALTH_PORT`` while the block runs: for
    a process with a database and no broker, such as a scheduler."""
    return probe_server(settings.health_host, settings.health_port,
                        {"database": lambda: ping(engine)})


async def serve_scheduler(
    settings: S, job: Callable[[S, AsyncEngine, asyncio.Event], Awaitable[None]], *,
    interval: float,
) -> None:
    """Run a scheduler process until SIGINT/SIGTERM: ``job(settings, engine, stop)`` with the
    database probe on ``<PREFIX>HEALTH_PORT`` (when set) and the engine disposed at the end."""
    configure_logging(json=settings.json_logs, level=settings.log_level)
    engine = engine_for(settings)
    log.info("scheduler.started", service=settings.service_name, interval=interval)
    try:
        async with database_probe(settings, engine):
            await job(settings, engine, stop_on_signals())
    finally:
        await engine.dispose()


def engine_for(settings: ServiceSettings) -> AsyncEngine:
    return make_engine(settings.database_url.get_secret_value(), pool_size=settings.db_pool_size)


async def serve_relay(
    settings: ServiceSettings, tables: OutboxTables, stop: asyncio.Event | None = None
) -> None:
    """Run the outbox relay of one service until stopped."""
    configure_logging(json=settings.json_logs, level=settings.log_level)
    stop = stop or stop_on_signals()
    engine, bus = engine_for(settings), await make_bus(settings)
    log.info("relay.started", service=settings.service_name, schema=tables.schema)
    try:
        async with probe_server(settings.health_host, settings.health_port,
                                _dependencies(engine, bus)):
            await OutboxRelay(engine, tables, bus).run(stop)
    finally:
        await bus.close()
        await engine.dispose()


async def serve_consumer(
    settings: ServiceSettings,
    queue: str,
    build_consumer: Callable[[AsyncEngine], InboxConsumer],
    stop: asyncio.Event | None = None,
) -> None:
    """Consume ``queue`` with the consumer ``build_consumer(engine)`` returns (its routing keys
    are the events its service's bus handles) until stopped."""
    configure_logging(json=settings.json_logs, level=settings.log_level)
    stop = stop or stop_on_signals()
    engine, bus = engine_for(settings), await make_bus(settings)
    consumer = build_consumer(engine)
    await bus.subscribe(queue, consumer.routing_keys, consumer)
    log.info("consumer.started", service=settings.service_name, queue=queue)
    try:
        async with probe_server(settings.health_host, settings.health_port,
                                _dependencies(engine, bus)):
            await stop.wait()
    finally:
        await bus.close()
        await engine.dispose()
