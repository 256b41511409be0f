"""Consumers against real RabbitMQ + Postgres: idempotency, retries, dead letters."""

from __future__ import annotations

import asyncio
import collections

import aio_pika
import sqlalchemy as sa

from hms_platform.messaging.bus import RetryPolicy
from hms_platform.testing.polling import eventually


async def dlq_bodies(bus, queue: str) -> list[bytes]:  # type: ignore[no-untyped-def]
    channel = await bus._connection.channel()
    dlq = await channel.declare_queue(f"{bus.prefix}{queue}.dlq", passive=True)
    bodies = []
    while (message := await dlq.get(no_ack=True, fail=False)) is not None:
        bodies.append(message.body)
    await channel.close()
    return bodies


async def test_every_event_delivered_twice_concurrently_to_two_replicas_has_one_effect(
    uow_factory, demo_engine, make_bus, queue_name, demo
) -> None:
    deliveries: collections.Counter[str] = collections.Counter()
    per_replica: collections.Counter[str] = collections.Counter()

    async def slow(envelope) -> None:  # type: ignore[no-untyped-def]
        await asyncio.sleep(0.005)  # hold the transaction open: widen the race window

    def counted(replica: str):  # type: ignore[no-untyped-def]
        consumer = demo.effect_consumer(uow_factory, "demo", slow)

        async def handler(envelope) -> None:  # type: ignore[no-untyped-def]
            deliveries[str(envelope.event_id)] += 1
            per_replica[replica] += 1
            await consumer(envelope)

        return handler

    replica_a, replica_b, producer = await make_bus(), await make_bus(), await make_bus()
    await replica_a.subscribe(queue_name, ["demo.#"], counted("a"))
    await replica_b.subscribe(queue_name, ["demo.#"], counted("b"))
    events = [demo.item_added(i) for i in range(200)]
    await asyncio.gather(*(producer.publish(e) for e in events for _ in range(2)))

    async def all_handled() -> bool:
        return await demo.count(demo_engine, "SELECT count(*) FROM demo.inbox") == 200

    await eventually(all_handled)
    await asyncio.sleep(0.5)  # let stragglers (the second copies) finish
    assert sum(deliveries.values()) == 400 and set(deliveries.values()) == {2}
    assert per_replica["a"] > 0 and per_replica["b"] > 0
    assert await demo.count(demo_engine, "SELECT count(*) FROM demo.effects") == 200
    assert await demo.count(demo_engine, "SELECT count(DISTINCT event_id) FROM demo.effects") == 200


async def test_poison_message_reaches_the_dlq_after_its_retries_while_others_flow(
    uow_factory, demo_engine, make_bus, queue_name, demo
) -> None:
    policy = RetryPolicy(delays_ms=(50, 100, 200), delivery_limit=5)
    bus = await make_bus(retry=policy)
    poison = demo.item_added(113)
    attempts = collections.Counter[str]()

    async def explode_on_113(envelope) -> None:  # type: ignore[no-untyped-def]
        attempts[envelope.payload["name"]] += 1
        if envelope.event_id == poison.event_id:
            raise RuntimeError("cannot handle this one")

    consumer = demo.effect_consumer(uow_factory, "demo", explode_on_113)
    await bus.subscribe(queue_name, ["demo.#"], consumer)
    await bus.publish(poison)
    await bus._default_exchange.publish(  # not JSON at all: dead-lettered at once
        aio_pika.Message(b"\x00not json", delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
        routing_key=f"{bus.prefix}{queue_name}")
    await bus.publish(demo.item_added(14).model_copy(update={"payload": {"item_id": "x"}}))
    await asyncio.gather(*(bus.publish(demo.item_added(i)) for i in range(50)))

    async def others_done() -> bool:
        return await demo.count(demo_engine, "SELECT count(*) FROM demo.effects") == 50

    await eventually(others_done)
    async def three_dead() -> bool:
        dead.extend(await dlq_bodies(bus, queue_name))
        return len(dead) >= 3

    dead: list[bytes] = []
    await eventually(three_dead, timeout=10, interval=0.2)
    assert attempts["item-113"] == policy.max_attempts == 4
    assert b"\x00not json" in dead
    assert any(str(poison.event_id) in body.decode(errors="replace") for body in dead)
    assert await demo.count(demo_engine, "SELECT count(*) FROM demo.inbox") == 50


async def test_broker_delivery_limit_dead_letters_a_message_that_keeps_coming_back(
    make_bus, queue_name, demo
) -> None:
    """The backstop for consumers that die mid-message: x-delivery-limit on the quorum queue."""
    bus = await make_bus(retry=RetryPolicy(delays_ms=(50,), delivery_limit=3))
    channel = await bus._connection.channel()
    queue = await bus.declare_topology(channel, queue_name, ["demo.#"])
    await bus.publish(demo.item_added(1))
    deliveries = 0
    async with asyncio.timeout(10):
        while True:
            message = await queue.get(fail=False)
            if message is None:
                if await dlq_bodies(bus, queue_name):
                    break
                await asyncio.sleep(0.05)
                continue
            deliveries += 1
            await message.nack(requeue=True)  # as a crashed consumer's unacked message returns
    assert deliveries == 4  # the first delivery plus delivery_limit redeliveries
    await channel.close()


async def test_unknown_event_names_are_acked_and_ignored(
    uow_factory, demo_engine, make_bus, queue_name, demo
) -> None:
    bus = await make_bus()
    await bus.subscribe(queue_name, ["demo.#"], demo.effect_consumer(uow_factory))
    other = demo.item_added(1).model_copy(update={"name": "demo.something_else.v1"})
    await bus.publish(other)
    await bus.publish(demo.item_added(2))

    async def one() -> bool:
        return await demo.count(demo_engine, "SELECT count(*) FROM demo.effects") == 1

    await eventually(one)
    assert await dlq_bodies(bus, queue_name) == []
    async with demo_engine.connect() as conn:
        names = (await conn.execute(sa.text("SELECT name FROM demo.inbox"))).scalars().all()
    assert names == ["demo.item_added.v1"]


async def test_consumer_comes_back_after_its_queue_is_deleted_under_it(
    uow_factory, demo_engine, make_bus, queue_name, demo
) -> None:
    from hms_platform.messaging.bus import PublishError

    bus = await make_bus(watch_interval=0.2)
    await bus.subscribe(queue_name, ["demo.#"], demo.effect_consumer(uow_factory))
    await bus.publish(demo.item_added(1))

    async def effects(n: int) -> bool:
        return await demo.count(demo_engine, "SELECT count(*) FROM demo.effects") == n

    await eventually(lambda: effects(1), timeout=10)
    admin = await bus._connection.channel()
    await admin.queue_delete(f"{bus.prefix}{queue_name}")  # the broker cancels our consumer
    await admin.close()

    async def republished() -> bool:
        try:
            await bus.publish(demo.item_added(2))
        except PublishError:  # unroutable until the watchdog has declared the queue again
            return False
        return True

    await eventually(republished, timeout=10, interval=0.2)
    await eventually(lambda: effects(2), timeout=10)
