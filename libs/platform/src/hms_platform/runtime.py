"""Process entrypoints every service shares: the outbox relay and the event consumer.

A service's ``entrypoints/relay.py`` and ``entrypoints/consumer.py`` build their tables and
handlers and hand them to these; SIGTERM/SIGINT stop them after the message in hand.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable

import structlog
from sqlalchemy.ext.asyncio import AsyncEngine

from hms_platform.db import make_engine
from hms_platform.logging import configure_logging
from hms_platform.messaging.bus import EventBus, MessageHandler
from hms_platform.messaging.memory import InMemoryBus
from hms_platform.messaging.rabbit import RabbitBus
from hms_platform.outbox import OutboxRelay, OutboxTables
from hms_platform.settings import ServiceSettings

log = structlog.get_logger(__name__)


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
        await OutboxRelay(engine, tables, bus).run(stop)
    finally:
        await bus.close()
        await engine.dispose()


async def serve_consumer(
    settings: ServiceSettings,
    queue: str,
    build_handler: Callable[[AsyncEngine], MessageHandler],
    routing_keys: list[str],
    stop: asyncio.Event | None = None,
) -> None:
    """Consume ``queue`` with the handler ``build_handler(engine)`` returns until stopped."""
    configure_logging(json=settings.json_logs, level=settings.log_level)
    stop = stop or stop_on_signals()
    engine, bus = engine_for(settings), await make_bus(settings)
    await bus.subscribe(queue, routing_keys, build_handler(engine))
    log.info("consumer.started", service=settings.service_name, queue=queue)
    try:
        await stop.wait()
    finally:
        await bus.close()
        await engine.dispose()
