"""RabbitMQ topology as data: the exchanges, and for one consumer its queue, dead-letter queue and
retry tiers with their exact arguments and bindings.

``RabbitBus`` declares from it when a consumer starts, and the definitions file that declares
everything up front (``deploy/rabbitmq``) is generated from it, so the two can never disagree:
RabbitMQ refuses a second declaration of a queue whose arguments differ (PRECONDITION_FAILED).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from hms_platform.messaging.bus import RetryPolicy

EVENTS_EXCHANGE = "hms.events"  # topic: routing key = event name
DEAD_EXCHANGE = "hms.dead"  # direct: routing key = the queue a message died in


@dataclass(frozen=True)
class Queue:
    name: str
    arguments: dict[str, Any]
    bindings: tuple[tuple[str, str], ...] = ()  # (exchange, routing key)


@dataclass(frozen=True)
class ConsumerTopology:
    """Everything one consumer's queue needs, names already carrying the prefix."""

    main: Queue
    dead: Queue
    retries: tuple[Queue, ...] = field(default=())

    @property
    def queues(self) -> tuple[Queue, ...]:
        """In declaration order: the dead-letter queue before the queue that names it."""
        return (self.dead, self.main, *self.retries)


def exchanges(prefix: str = "") -> dict[str, str]:
    """Exchange name -> type."""
    return {f"{prefix}{EVENTS_EXCHANGE}": "topic", f"{prefix}{DEAD_EXCHANGE}": "direct"}


def retry_queue_name(queue: str, delay_ms: int, prefix: str = "") -> str:
    return f"{prefix}{queue}.retry.{delay_ms}"


def consumer_topology(queue: str, routing_keys: Sequence[str], *, prefix: str = "",
                      retry: RetryPolicy | None = None) -> ConsumerTopology:
    """A durable quorum queue bound to ``routing_keys`` on the events exchange; a handler that
    keeps failing goes through one TTL queue per retry tier (each dead-letters back into the
    queue), then to ``<queue>.dlq``; x-delivery-limit dead-letters a message that keeps being
    requeued (a consumer dying mid-message)."""
    retry = retry or RetryPolicy()
    name = f"{prefix}{queue}"
    events, dead = f"{prefix}{EVENTS_EXCHANGE}", f"{prefix}{DEAD_EXCHANGE}"
    return ConsumerTopology(
        main=Queue(name, {
            "x-queue-type": "quorum",
            "x-delivery-limit": retry.delivery_limit,
            "x-dead-letter-exchange": dead,
            "x-dead-letter-routing-key": name,
        }, tuple((events, key) for key in routing_keys)),
        dead=Queue(f"{name}.dlq", {"x-queue-type": "quorum"}, ((dead, name),)),
        retries=tuple(Queue(retry_queue_name(queue, delay, prefix), {
            "x-message-ttl": delay,
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": name,
        }) for delay in retry.delays_ms),
    )


def definitions(consumers: Iterable[ConsumerTopology], *, prefix: str = "",
                vhost: str = "/") -> dict[str, Any]:
    """RabbitMQ's definitions format (``load_definitions``, ``rabbitmqctl
    import_definitions``): the exchanges, every consumer's queues and bindings. No users and
    no permissions: those hold secrets and belong to whoever runs the broker."""
    queues = [q for c in consumers for q in c.queues]
    return {
        "exchanges": [{"name": name, "vhost": vhost, "type": kind, "durable": True,
                       "auto_delete": False, "internal": False, "arguments": {}}
                      for name, kind in exchanges(prefix).items()],
        "queues": [{"name": q.name, "vhost": vhost, "durable": True, "auto_delete": False,
                    "arguments": q.arguments} for q in queues],
        "bindings": [{"source": exchange, "vhost": vhost, "destination": q.name,
                      "destination_type": "queue", "routing_key": key, "arguments": {}}
                     for q in queues for exchange, key in q.bindings],
    }
