"""The ``EventBus`` port: publish integration events, consume them at least once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

from hms_contracts.envelope import Envelope

MessageHandler = Callable[[Envelope], Awaitable[None]]


class PublishError(Exception):
    """The broker did not take the message: unroutable, nacked, timed out or unreachable."""


class Unroutable(PublishError):
    """The broker answered that no queue is bound to this routing key (yet): no consumer of
    this event has declared its queue. Definite, unlike a timeout; retry slowly."""


class PoisonMessage(Exception):
    """A message that can never be handled (unparseable, unknown shape): dead-letter it at once."""


@dataclass(frozen=True)
class RetryPolicy:
    """Delays of the retry tiers. A handler failure is retried once per tier, then the message
    goes to the dead-letter queue: ``len(delays_ms) + 1`` handler attempts in all."""

    delays_ms: Sequence[int] = field(default=(1_000, 10_000, 60_000))
    # Broker-side backstop for consumers that die mid-message (RabbitMQ 3.10 sets no default).
    delivery_limit: int = 10

    @property
    def max_attempts(self) -> int:
        return len(self.delays_ms) + 1


class EventBus(Protocol):
    """Publish with confirmation; consume with retries and a dead-letter queue.

    Handlers are called at least once per message, possibly concurrently and out of order, so
    they must be idempotent (the platform's inbox makes them so). A handler that raises
    :class:`PoisonMessage` sends the message straight to the dead-letter queue; any other
    exception sends it through the retry tiers first.
    """

    async def publish(self, envelope: Envelope) -> None:
        """Return once the broker has confirmed the message; raise :class:`PublishError` else."""
        ...

    async def subscribe(
        self, queue: str, routing_keys: Sequence[str], handler: MessageHandler
    ) -> None:
        """Declare ``queue`` bound to ``routing_keys`` and start delivering to ``handler``."""
        ...

    async def close(self) -> None: ...

    def is_connected(self) -> bool: ...


@lru_cache(maxsize=4096)
def topic_matches(pattern: str, routing_key: str) -> bool:
    """AMQP topic matching: ``*`` is exactly one word, ``#`` zero or more."""
    p, k = pattern.split("."), routing_key.split(".")

    def match(i: int, j: int) -> bool:
        if i == len(p):
            return j == len(k)
        if p[i] == "#":
            return any(match(i + 1, jj) for jj in range(j, len(k) + 1))
        return j < len(k) and p[i] in ("*", k[j]) and match(i + 1, j + 1)

    return match(0, 0)
