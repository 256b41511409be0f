"""RabbitMQ ``EventBus`` adapter (aio-pika), with the topology docs/operations.md
describes ("Messaging on RabbitMQ").

Per consuming service queue ``Q``: a durable quorum queue bound to the topic exchange
``hms.events`` with ``x-delivery-limit`` and dead-lettering to ``hms.dead`` -> ``Q.dlq``; one
classic queue per retry tier ``Q.retry.<ms>`` whose message TTL dead-letters back into ``Q``
through the default exchange. Names get ``prefix`` in front (one namespace per test session).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import aio_pika
import aiormq
import structlog
from aio_pika.abc import (
    AbstractChannel,
    AbstractExchange,
    AbstractIncomingMessage,
    AbstractQueue,
    AbstractRobustConnection,
)

from hms_contracts.envelope import Envelope
from hms_platform.logging import set_correlation_id
from hms_platform.messaging.bus import (
    MessageHandler,
    PoisonMessage,
    PublishError,
    RetryPolicy,
    Unroutable,
)
from hms_platform.messaging.failover import broker_urls, connect_robust
from hms_platform.messaging.rabbit_watchdog import watch_consumer
from hms_platform.messaging.topology import (
    DEAD_EXCHANGE,
    EVENTS_EXCHANGE,
    consumer_topology,
    retry_queue_name,
)

log = structlog.get_logger(__name__)
ATTEMPT_HEADER = "x-hms-attempt"


class RabbitBus:
    def __init__(
        self,
        url: str,
        *,
        prefix: str = "",
        heartbeat: int = 15,
        publish_timeout: float = 10.0,
        prefetch: int = 32,
        retry: RetryPolicy | None = None,
        watch_interval: float = 2.0,
    ) -> None:
        self.url, self.prefix, self.heartbeat = url, prefix, heartbeat
        self.publish_timeout, self.prefetch = publish_timeout, prefetch
        self.retry = retry or RetryPolicy()
        self.watch_interval = watch_interval
        self.exchange_name = f"{prefix}{EVENTS_EXCHANGE}"
        self.dead_exchange_name = f"{prefix}{DEAD_EXCHANGE}"
        self.declared_queues: list[str] = []
        self._connection: AbstractRobustConnection | None = None
        self._channel: AbstractChannel | None = None
        self._exchange: AbstractExchange | None = None
        self._default_exchange: AbstractExchange | None = None
        # Strong references: robust recovery only tracks channels and queues weakly
        # (aio-pika #231, #594), so a consumer nobody holds silently stops after a reconnect.
        self._consumers: list[tuple[AbstractChannel, AbstractQueue]] = []
        self._watchdogs: list[asyncio.Task[None]] = []
        self._lock = asyncio.Lock()

    async def connect(self) -> RabbitBus:
        async with self._lock:
            if self._connection is not None:
                return self
            # Reconnect every 2 s (aio-pika's default is 5 s): the relay resumes on reconnect.
            # Several comma-separated URLs: a cluster's nodes (messaging.failover).
            query = f"heartbeat={self.heartbeat}&reconnect_interval=2"
            self._connection = await connect_robust(self.url, query, self.publish_timeout)
            self._channel = await self._connection.channel(
                publisher_confirms=True, on_return_raises=True)
            self._exchange = await self._channel.declare_exchange(
                self.exchange_name, aio_pika.ExchangeType.TOPIC, durable=True)
            await self._channel.declare_exchange(
                self.dead_exchange_name, aio_pika.ExchangeType.DIRECT, durable=True)
            self._default_exchange = self._channel.default_exchange
        return self

    def is_connected(self) -> bool:
        return self._connection is not None and not self._connection.is_closed and bool(
            getattr(self._connection, "connected", asyncio.Event()).is_set())

    async def publish(self, envelope: Envelope) -> None:
        headers: dict[str, Any] = {"x-correlation-id": envelope.correlation_id or ""}
        await self._publish(self._exchange, envelope.name, envelope.to_json(), envelope, headers)

    async def _publish(
        self, exchange: AbstractExchange | None, routing_key: str, body: bytes,
        envelope: Envelope | None, headers: dict[str, Any],
    ) -> None:
        if exchange is None:
            raise PublishError("bus not connected")
        message = aio_pika.Message(
            body,
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,  # the default is transient
            content_type="application/json",
            message_id=str(envelope.event_id) if envelope else None,
            type=envelope.name if envelope else None,
            correlation_id=envelope.correlation_id if envelope else None,
            timestamp=datetime.now(UTC),
            headers=headers,
        )
        try:
            async with asyncio.timeout(self.publish_timeout):
                result = await exchange.publish(message, routing_key, mandatory=True)
        except aio_pika.exceptions.PublishError as exc:
            raise Unroutable(f"unroutable: {routing_key}") from exc
        except (TimeoutError, aio_pika.exceptions.AMQPError, aiormq.exceptions.AMQPError,
                ConnectionError, RuntimeError) as exc:
            raise PublishError(f"{type(exc).__name__}: {exc}") from exc
        if not isinstance(result, aiormq.spec.Basic.Ack):
            raise PublishError(f"not confirmed: {result!r}")

    async def subscribe(
        self, queue: str, routing_keys: Sequence[str], handler: MessageHandler
    ) -> None:
        await self.connect()
        assert self._connection is not None
        channel = await self._connection.channel(publisher_confirms=True)
        await channel.set_qos(prefetch_count=self.prefetch)
        main = await self.declare_topology(channel, queue, routing_keys)
        self._consumers.append((channel, main))

        async def on_message(message: AbstractIncomingMessage) -> None:
            await self._on_message(queue, message, handler)

        tag = await main.consume(on_message)
        self._watchdogs.append(asyncio.create_task(
            watch_consumer(self, channel, main, tag, queue, routing_keys, on_message)))

    async def declare_topology(
        self, channel: AbstractChannel, queue: str, routing_keys: Sequence[str]
    ) -> AbstractQueue:
        """Declare ``queue``'s part of the topology (``hms_platform.messaging.topology``, the
        same data the up-front definitions file is made of) and return the main queue."""
        topo = consumer_topology(queue, routing_keys, prefix=self.prefix, retry=self.retry)
        declared: dict[str, AbstractQueue] = {}
        for spec in topo.queues:
            declared[spec.name] = await channel.declare_queue(
                spec.name, durable=True, arguments=spec.arguments)
            for exchange, key in spec.bindings:
                await declared[spec.name].bind(exchange, routing_key=key)
            if spec.name not in self.declared_queues:
                self.declared_queues.append(spec.name)
        return declared[topo.main.name]

    def retry_queue(self, queue: str, delay_ms: int) -> str:
        return retry_queue_name(queue, delay_ms, self.prefix)

    async def _on_message(
        self, queue: str, message: AbstractIncomingMessage, handler: MessageHandler
    ) -> None:
        try:
            envelope = Envelope.from_json(message.body)
        except ValueError:
            log.error("message.unparseable", queue=queue, message_id=message.message_id)
            await message.reject(requeue=False)
            return
        set_correlation_id(envelope.correlation_id or envelope.event_id.hex)
        raw_attempt = (message.headers or {}).get(ATTEMPT_HEADER, 1)
        attempt = raw_attempt if isinstance(raw_attempt, int) and raw_attempt > 0 else 1
        try:
            await handler(envelope)
        except PoisonMessage:
            log.error("message.poison", queue=queue, event_name=envelope.name)
            await message.reject(requeue=False)
        except Exception as exc:
            await self._retry_or_dead_letter(queue, message, envelope, attempt, exc)
        else:
            await message.ack()

    async def _retry_or_dead_letter(
        self, queue: str, message: AbstractIncomingMessage, envelope: Envelope,
        attempt: int, exc: Exception,
    ) -> None:
        fields = {"queue": queue, "event_name": envelope.name, "attempt": attempt,
                  "error": type(exc).__name__}
        if attempt >= self.retry.max_attempts:
            log.error("message.dead_lettered", **fields)
            await message.reject(requeue=False)
            return
        delay = self.retry.delays_ms[attempt - 1]
        headers = dict(message.headers or {})
        headers[ATTEMPT_HEADER] = attempt + 1
        try:
            await self._publish(self._default_exchange, self.retry_queue(queue, delay),
                                message.body, envelope, headers)
        except PublishError:
            # Could not park it for later: give it back; x-delivery-limit bounds the loop.
            log.warning("message.requeued", **fields)
            await message.nack(requeue=True)
            return
        log.warning("message.retry_scheduled", delay_ms=delay, **fields)
        await message.ack()

    async def close(self) -> None:
        for task in self._watchdogs:
            task.cancel()
        self._watchdogs.clear()
        if self._connection is not None:
            await self._connection.close()
        self._connection = None
        self._consumers.clear()


async def declare_definitions(url: str, defs: dict[str, Any]) -> None:
    """Declare a definitions document (``hms_platform.messaging.topology.definitions``) over
    AMQP: for brokers whose boot-time ``load_definitions`` we do not control. Idempotent. Of
    several comma-separated URLs (a cluster's nodes), the first."""
    connection = await aio_pika.connect(broker_urls(url)[0])
    async with connection:
        channel = await connection.channel()
        for exchange in defs["exchanges"]:
            await channel.declare_exchange(exchange["name"], exchange["type"], durable=True)
        queues = {}
        for queue in defs["queues"]:
            queues[queue["name"]] = await channel.declare_queue(
                queue["name"], durable=True, arguments=queue["arguments"])
        for binding in defs["bindings"]:
            await queues[binding["destination"]].bind(binding["source"],
                                                      routing_key=binding["routing_key"])

