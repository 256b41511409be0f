"""RabbitMQ unreachable for 10 s in the middle of 1,000 events (nothing lost, nothing done twice).

A TCP proxy stands between the services and the broker; cutting it resets every connection
and refuses new ones, as a dead broker or network would, without touching the shared broker.
"""

from __future__ import annotations

import asyncio
import time
from urllib.parse import urlsplit

from hms_platform.outbox import OutboxRelay
from hms_platform.testing.polling import eventually
from hms_platform.testing.tcp_proxy import TcpProxy

EVENTS = 1_000
OUTAGE_SECONDS = 10.0


async def test_broker_cut_for_10s_during_1000_events_loses_none_and_consumers_resume(
    uow_factory, demo_engine, make_bus, queue_name, amqp_url, demo
) -> None:
    parts = urlsplit(amqp_url)
    proxy = await TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5672).start()
    via_proxy = amqp_url.replace(f"{parts.hostname}:{parts.port}", f"127.0.0.1:{proxy.port}")
    relay_bus = await make_bus(via_proxy)
    consumer_bus = await make_bus(via_proxy)
    await consumer_bus.subscribe(queue_name, ["demo.#"], demo.effect_consumer(uow_factory))
    relay = OutboxRelay(demo_engine, demo.TABLES, relay_bus, poll_interval=0.2)
    stop = asyncio.Event()
    relay_task = asyncio.create_task(relay.run(stop))

    async def write(i: int) -> None:
        async with uow_factory() as uow:
            uow.add_event(demo.item_added(i))
            await uow.commit()

    async def effects(distinct: bool = False) -> int:
        what = "DISTINCT event_id" if distinct else "*"
        return await demo.count(demo_engine, f"SELECT count({what}) FROM demo.effects")

    try:
        for i in range(300):  # the link is up: events flow
            await write(i)
        await proxy.cut()
        cut_at = time.monotonic()
        for i in range(300, EVENTS):  # bookings go on while the broker is away
            await write(i)
            await asyncio.sleep(0.005)
        delivered_during_outage = await effects()
        await asyncio.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - cut_at)))
        await proxy.restore()
        restored_at = time.monotonic()

        async def drained() -> bool:
            return await demo.count(demo_engine, "SELECT count(*) FROM demo.outbox "
                                    "WHERE published_at IS NULL") == 0

        await eventually(drained, timeout=60, interval=0.1)
        published_within = time.monotonic() - restored_at
        async def all_applied() -> bool:
            return await effects() >= EVENTS

        await eventually(all_applied, timeout=30, interval=0.1)
        await asyncio.sleep(1.0)  # redeliveries of unacked messages would land now

        assert delivered_during_outage < EVENTS
        assert published_within < 30, f"outbox drained {published_within:.1f}s after return"
        assert await effects(distinct=True) == EVENTS, "events lost"
        assert await effects() == EVENTS, "an event had two effects"
        assert relay.published_total >= EVENTS

        await write(EVENTS)  # the consumer consumes again, not just drained a backlog
        async def one_more() -> bool:
            return await effects() >= EVENTS + 1

        await eventually(one_more, timeout=15)
    finally:
        stop.set()
        await relay_task
        await proxy.close()
