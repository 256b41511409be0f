"""Keeps a RabbitMQ consumer consuming when the broker cancels it without closing the channel
(queue deleted, or moved off a node): aio-pika only logs that and
consumes nothing more (aio-pika issue #588)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

import structlog
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage, AbstractQueue

log = structlog.get_logger(__name__)


class _Bus(Protocol):
    watch_interval: float

    def is_connected(self) -> bool: ...

    async def declare_topology(
        self, channel: AbstractChannel, queue: str, routing_keys: Sequence[str]
    ) -> AbstractQueue: ...


async def watch_consumer(
    bus: _Bus, channel: AbstractChannel, main: AbstractQueue, tag: str, queue: str,
    routing_keys: Sequence[str],
    on_message: Callable[[AbstractIncomingMessage], Awaitable[Any]],
) -> None:
    """Re-declare and re-consume after two missed checks in a row, so that a reconnect in
    progress (robust recovery restores the consumer itself) is not mistaken for a loss."""
    missed = 0
    while True:
        await asyncio.sleep(bus.watch_interval)
        if not bus.is_connected() or channel.is_closed:
            missed = 0
            continue
        try:
            underlay = await asyncio.wait_for(channel.get_underlay_channel(), 5)
        except Exception:
            missed = 0
            continue
        consumers = getattr(underlay, "consumers", {})  # aiormq keeps live consumer tags
        missed = 0 if tag in consumers else missed + 1
        if missed < 2:
            continue
        log.warning("consumer.lost_resubscribing", queue=queue)
        try:
            with contextlib.suppress(Exception):
                await main.cancel(tag)  # forget it, or a reconnect would restore it too
            main = await bus.declare_topology(channel, queue, routing_keys)
            tag = await main.consume(on_message)
            missed = 0
        except Exception as exc:
            log.error("consumer.resubscribe_failed", queue=queue, error=repr(exc))
