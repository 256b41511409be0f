"""In-memory ``EventBus`` with the RabbitMQ adapter's semantics, inside one process.

Messages are serialised on publish and parsed on delivery; a publish nobody is bound to is an
error (``mandatory``); a failing handler is retried through the tiers (delays scaled by
``time_scale``) and then dead-lettered; ``duplicate=True`` delivers every message twice,
concurrently, as at-least-once delivery may. ``unbound="drop"`` (the embedded run, where
every consumer subscribes before anything is published) accepts an event no queue is bound to
instead, counting it: no running service wants it, and retrying it would only churn.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import structlog

from hms_contracts.envelope import Envelope
from hms_platform.logging import set_correlation_id
from hms_platform.messaging.bus import (
    MessageHandler,
    PoisonMessage,
    PublishError,
    RetryPolicy,
    Unroutable,
    topic_matches,
)

log = structlog.get_logger(__name__)


@dataclass
class _Subscription:
    queue: str
    routing_keys: tuple[str, ...]
    handlers: list[MessageHandler] = field(default_factory=list)


class InMemoryBus:
    def __init__(
        self,
        retry: RetryPolicy | None = None,
        *,
        time_scale: float = 0.001,
        duplicate: bool = False,
        unbound: Literal["raise", "drop"] = "raise",
        keep_published: int = 10_000,
    ) -> None:
        self.retry = retry or RetryPolicy()
        self.time_scale = time_scale
        self.duplicate = duplicate
        self.unbound = unbound
        self.unbound_dropped: dict[str, int] = defaultdict(int)
        self._keep = keep_published  # the last ones, for tests; a long run must not grow
        self.published: list[Envelope] = []
        self.dead_letters: dict[str, list[bytes]] = defaultdict(list)
        self._subs: dict[str, _Subscription] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._rr: dict[str, int] = defaultdict(int)
        self._closed = False

    async def publish(self, envelope: Envelope) -> None:
        await self.publish_raw(envelope.name, envelope.to_json())
        self.published.append(envelope)
        if len(self.published) > self._keep:
            del self.published[: len(self.published) - self._keep // 2]

    async def publish_raw(self, routing_key: str, body: bytes) -> None:
        if self._closed:
            raise PublishError("bus closed")
        targets = [s for s in self._subs.values()
                   if any(topic_matches(k, routing_key) for k in s.routing_keys)]
        if not targets:
            if self.unbound == "raise":
                raise Unroutable(f"unroutable: no queue bound to {routing_key!r}")
            if not self.unbound_dropped[routing_key]:
                log.info("message.unbound_dropped", event_name=routing_key)
            self.unbound_dropped[routing_key] += 1
            return
        for sub in targets:
            for _ in range(2 if self.duplicate else 1):
                self._spawn(self._deliver(sub, body, attempt=1))

    async def subscribe(
        self, queue: str, routing_keys: Sequence[str], handler: MessageHandler
    ) -> None:
        sub = self._subs.setdefault(queue, _Subscription(queue, tuple(routing_keys)))
        sub.routing_keys = tuple(dict.fromkeys((*sub.routing_keys, *routing_keys)))
        sub.handlers.append(handler)  # replicas compete: round robin

    def _spawn(self, coro: object) -> None:
        task: asyncio.Task[None] = asyncio.get_running_loop().create_task(coro)  # type: ignore[arg-type]
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, sub: _Subscription, body: bytes, attempt: int) -> None:
        handler = sub.handlers[self._rr[sub.queue] % len(sub.handlers)]
        self._rr[sub.queue] += 1
        try:
            envelope = Envelope.from_json(body)
        except ValueError:
            self.dead_letters[sub.queue].append(body)
            log.error("message.unparseable", queue=sub.queue)
            return
        set_correlation_id(envelope.correlation_id or envelope.event_id.hex)
        try:
            await handler(envelope)
        except PoisonMessage:
            self.dead_letters[sub.queue].append(body)
            log.error("message.poison", queue=sub.queue, event_name=envelope.name)
        except Exception as exc:
            if attempt >= self.retry.max_attempts:
                self.dead_letters[sub.queue].append(body)
                log.error("message.dead_lettered", queue=sub.queue, event_name=envelope.name,
                          attempts=attempt, error=type(exc).__name__)
                return
            delay = self.retry.delays_ms[attempt - 1] / 1000 * self.time_scale
            log.warning("message.retry", queue=sub.queue, event_name=envelope.name,
                        attempt=attempt, error=type(exc).__name__)
            await asyncio.sleep(delay)
            await self._deliver(sub, body, attempt + 1)

    async def drain(self, timeout: float = 10.0) -> None:
        """Wait until every delivery, including retries, has finished."""
        async with asyncio.timeout(timeout):
            while self._tasks:
                await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def is_connected(self) -> bool:
        return not self._closed

    async def close(self) -> None:
        await self.drain()
        self._closed = True
