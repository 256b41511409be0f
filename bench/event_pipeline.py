"""The platform's event path against a bare broker round trip, in the same run.

baseline: aio-pika publish with confirms -> consume -> ack (no database).
pipeline: commit (state + outbox row) -> relay (LISTEN/NOTIFY, confirms) -> RabbitMQ ->
          InboxConsumer (inbox row + effect in one transaction) -> ack.
Both: N messages as fast as they go (throughput), then a steady rate (latency p50/p99).
Writer, relay and consumer share one process and event loop here; deployed, they are three
processes, so this is a floor for the pipeline, not its ceiling.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import statistics
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import aio_pika
import asyncpg
import profiling
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from hms_contracts.envelope import Envelope, EventPayload
from hms_platform.db import SqlUnitOfWork, make_engine
from hms_platform.messaging.inbox import InboxConsumer
from hms_platform.messaging.rabbit import RabbitBus
from hms_platform.outbox import OutboxRelay, OutboxTables
from hms_platform.pgurl import libpq_url
from hms_platform.testing.infra import postgres_server, rabbitmq_server

NAME = "event_pipeline"
BURST, RATE, SECONDS = 2_000, 200, 10


class Ping(EventPayload):
    NAME = "bench.ping.v1"
    PRODUCER = "bench"
    sent: float


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


@contextlib.asynccontextmanager
async def database(server_url: str) -> AsyncIterator[str]:
    name = f"hms_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(libpq_url(server_url))
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()


async def drive(send: Any, received: list[float], n: int, rate: float | None) -> float:
    start = time.perf_counter()
    for i in range(n):
        if rate:
            await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
            await send()
        else:
            await send()
    await wait_count(received, n)
    return time.perf_counter() - start


async def wait_count(received: list[float], n: int) -> None:
    async with asyncio.timeout(120):
        while len(received) < n:
            await asyncio.sleep(0.005)


async def baseline(amqp_url: str, prefix: str, *, quorum: bool = False) -> dict[str, float]:
    """Bare aio-pika: publish with confirms, consume, ack. ``quorum``: into a durable quorum
    queue, which HMS's consumers use and which writes every message to disk before it
    confirms; otherwise a transient classic queue, which keeps persistent messages in memory."""
    connection = await aio_pika.connect_robust(amqp_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        kind = "quorum" if quorum else "classic"
        exchange = await channel.declare_exchange(f"{prefix}x.{kind}", "topic", auto_delete=True)
        queue = await channel.declare_queue(
            f"{prefix}q.{kind}", durable=quorum, auto_delete=not quorum,
            arguments={"x-queue-type": "quorum"} if quorum else None)
        await queue.bind(exchange, "#")
        latencies: list[float] = []

        async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            latencies.append(time.perf_counter() - float(message.body))
            await message.ack()

        await queue.consume(on_message)

        async def send() -> None:
            body = str(time.perf_counter()).encode()
            await exchange.publish(aio_pika.Message(
                body, delivery_mode=aio_pika.DeliveryMode.PERSISTENT), "k", mandatory=True)

        t = time.perf_counter()
        for _ in range(BURST // 100):
            await asyncio.gather(*(send() for _ in range(100)))
        await wait_count(latencies, BURST)
        throughput = BURST / (time.perf_counter() - t)
        latencies.clear()
        await drive(send, latencies, RATE * SECONDS, RATE)
        if quorum:
            await queue.delete(if_unused=False, if_empty=False)
        return {"throughput": throughput, "p50": pct(latencies, 50), "p99": pct(latencies, 99)}


async def pipeline(db_url: str, amqp_url: str, prefix: str) -> dict[str, float]:
    engine = make_engine(db_url, pool_size=10)
    metadata = sa.MetaData()
    tables = OutboxTables(metadata, "bench")
    effects = sa.Table("effects", metadata, sa.Column("id", sa.Uuid, primary_key=True),
                       schema="bench")
    async with engine.begin() as conn:
        await conn.execute(sa.text("CREATE SCHEMA bench"))
        await conn.run_sync(metadata.create_all)
    latencies: list[float] = []

    async def handle(event: Ping, envelope: Envelope, uow: SqlUnitOfWork) -> None:
        await uow.connection.execute(sa.insert(effects).values(id=envelope.event_id))
        await uow.commit()
        latencies.append(time.perf_counter() - event.sent)

    consumer = InboxConsumer("bench", lambda: SqlUnitOfWork(engine, tables),
                             {Ping.NAME: handle}, parser=lambda e: Ping.model_validate(e.payload))
    bus = await RabbitBus(amqp_url, prefix=prefix).connect()
    await bus.subscribe("bench.events", consumer.routing_keys, consumer)
    stop = asyncio.Event()
    relay_task = asyncio.create_task(OutboxRelay(engine, tables, bus).run(stop))

    async def send() -> None:
        async with SqlUnitOfWork(engine, tables) as uow:
            uow.add_event(Envelope.of(Ping(sent=time.perf_counter())))
            await uow.commit()

    try:
        t = time.perf_counter()
        async with profiling.profiled("events", os.getpid(), 120):
            for _ in range(BURST // 20):
                await asyncio.gather(*(send() for _ in range(20)))
            await wait_count(latencies, BURST)
        throughput = BURST / (time.perf_counter() - t)
        latencies.clear()
        await drive(send, latencies, RATE * SECONDS, RATE)
        return {"throughput": throughput, "p50": pct(latencies, 50), "p99": pct(latencies, 99)}
    finally:
        stop.set()
        await relay_task
        await bus.close()
        await engine.dispose()


async def _cleanup(amqp_url: str, prefix: str) -> None:
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        for q in ("bench.events", "bench.events.dlq", "bench.events.retry.1000",
                  "bench.events.retry.10000", "bench.events.retry.60000"):
            await channel.queue_delete(f"{prefix}{q}")
        for x in ("hms.events", "hms.dead"):
            await channel.exchange_delete(f"{prefix}{x}")


async def run() -> list[dict[str, Any]]:
    prefix = f"bench{uuid.uuid4().hex[:6]}."
    with postgres_server() as pg_url, rabbitmq_server() as amqp_url:
        base = await baseline(amqp_url, prefix)
        durable = await baseline(amqp_url, prefix, quorum=True)
        async with database(pg_url) as db_url:
            full = await pipeline(db_url, amqp_url, prefix)
        await _cleanup(amqp_url, prefix)
    ms = 1000.0
    rows = [
        ("baseline: bare publish+consume", base["throughput"], "msgs/s"),
        ("pipeline: outbox->relay->RabbitMQ->inbox", full["throughput"], "events/s"),
        ("pipeline / baseline throughput", full["throughput"] / base["throughput"], "ratio"),
        (f"baseline latency p50 at {RATE}/s", base["p50"] * ms, "ms"),
        (f"baseline latency p99 at {RATE}/s", base["p99"] * ms, "ms"),
        (f"pipeline latency p50 at {RATE}/s (commit -> consumer commit)", full["p50"] * ms, "ms"),
        (f"pipeline latency p99 at {RATE}/s", full["p99"] * ms, "ms"),
        ("baseline (durable quorum queue): bare publish+consume", durable["throughput"],
         "msgs/s"),
        ("pipeline / durable baseline throughput", full["throughput"] / durable["throughput"],
         "ratio"),
        (f"durable baseline latency p50 at {RATE}/s", durable["p50"] * ms, "ms"),
        (f"durable baseline latency p99 at {RATE}/s", durable["p99"] * ms, "ms"),
    ]
    return [{"measure": m, "value": v, "unit": u} for m, v, u in rows]
