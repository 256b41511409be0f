"""Outbox + relay against real Postgres and RabbitMQ (nothing lost, nothing done twice)."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from hms_platform.messaging.bus import PublishError
from hms_platform.outbox import OutboxRelay
from hms_platform.testing.polling import eventually


class Collector:
    def __init__(self) -> None:
        self.names: list[str] = []
        self.event_ids: list[str] = []
        self.arrived = asyncio.Event()

    async def __call__(self, envelope) -> None:  # type: ignore[no-untyped-def]
        self.event_ids.append(str(envelope.event_id))
        self.names.append(envelope.payload["name"])
        self.arrived.set()


async def test_state_and_event_commit_together_or_not_at_all(
    uow_factory, demo_engine, make_bus, queue_name, demo
) -> None:
    ITEMS, TABLES, count, item_added = demo.ITEMS, demo.TABLES, demo.count, demo.item_added
    bus = await make_bus()
    seen = Collector()
    await bus.subscribe(queue_name, ["demo.#"], seen)
    async with uow_factory() as uow:  # committed: item + event
        await uow.connection.execute(sa.insert(ITEMS).values(id=1, name="a"))
        uow.add_event(item_added(1))
        await uow.commit()
    with pytest.raises(RuntimeError):  # raises before commit: rolled back
        async with uow_factory() as uow:
            await uow.connection.execute(sa.insert(ITEMS).values(id=2, name="b"))
            uow.add_event(item_added(2))
            raise RuntimeError("handler failed")
    with pytest.raises(IntegrityError):  # fails AT commit, after the outbox insert ran
        async with uow_factory() as uow:
            await uow.connection.execute(sa.insert(ITEMS).values(id=3, name="a"))  # deferred dup
            uow.add_event(item_added(3))
            await uow.commit()

    relay = OutboxRelay(demo_engine, TABLES, bus, listen=False)
    assert await relay.run_once() == 1
    await eventually(lambda: len(seen.names) >= 1)
    await asyncio.sleep(0.3)  # anything else would have arrived by now
    assert seen.names == ["item-1"]
    assert await count(demo_engine, "SELECT count(*) FROM demo.outbox") == 1
    assert await count(demo_engine, "SELECT count(*) FROM demo.items") == 1


async def test_row_held_open_while_later_rows_commit_is_still_published(
    uow_factory, demo_engine, make_bus, queue_name, demo
) -> None:
    TABLES, count, item_added = demo.TABLES, demo.count, demo.item_added
    bus = await make_bus()
    seen = Collector()
    await bus.subscribe(queue_name, ["demo.item_added.v1"], seen)
    relay = OutboxRelay(demo_engine, TABLES, bus, listen=False)

    held = uow_factory()
    await held.__aenter__()
    held.add_event(item_added(1))
    await TABLES.insert(held.connection, held._pending)  # id 1 taken, transaction still open
    held._pending.clear()
    for i in (2, 3):
        async with uow_factory() as uow:
            uow.add_event(item_added(i))
            await uow.commit()

    assert await relay.run_once() == 2
    await held.commit()
    await held.__aexit__(None, None, None)
    assert await relay.run_once() == 1
    await eventually(lambda: len(seen.names) == 3)
    assert sorted(seen.names) == ["item-1", "item-2", "item-3"]
    assert await count(demo_engine, "SELECT min(id) FROM demo.outbox") == 1
    assert await unpublished(demo_engine) == 0


async def unpublished(engine) -> int:  # type: ignore[no-untyped-def]
    async with engine.connect() as conn:
        return int((await conn.execute(sa.text(
            "SELECT count(*) FROM demo.outbox WHERE published_at IS NULL"))).scalar_one())


async def test_unroutable_publish_is_an_error_and_the_row_stays_unpublished(
    uow_factory, demo_engine, make_bus, queue_name, demo
) -> None:
    TABLES, item_added = demo.TABLES, demo.item_added
    bus = await make_bus()
    with pytest.raises(PublishError, match="unroutable"):
        await bus.publish(item_added(1))  # nothing bound yet

    async with uow_factory() as uow:
        uow.add_event(item_added(2))
        await uow.commit()
    relay = OutboxRelay(demo_engine, TABLES, bus, listen=False, base_backoff=0.05)
    assert await relay.run_once() == 0
    async with demo_engine.connect() as conn:
        row = (await conn.execute(sa.select(TABLES.outbox))).one()
    assert row.published_at is None and row.attempts == 1 and "unroutable" in row.last_error

    # bound, then the binding deleted: unroutable again
    seen = Collector()
    await bus.subscribe(queue_name, ["demo.item_added.v1"], seen)
    await asyncio.sleep(0.1)
    assert await relay.run_once() == 1
    queue = await bus._consumers[-1][0].get_queue(f"{bus.prefix}{queue_name}")
    await queue.unbind(bus.exchange_name, "demo.item_added.v1")
    with pytest.raises(PublishError, match="unroutable"):
        await bus.publish(item_added(3))


async def test_broker_unreachable_publish_fails_and_row_stays_unpublished(
    uow_factory, demo_engine, make_bus, queue_name, amqp_url, demo
) -> None:
    TABLES, item_added = demo.TABLES, demo.item_added
    from urllib.parse import urlsplit

    from hms_platform.testing.tcp_proxy import TcpProxy

    parts = urlsplit(amqp_url)
    proxy = await TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5672).start()
    url = amqp_url.replace(f"{parts.hostname}:{parts.port}", f"127.0.0.1:{proxy.port}")
    bus = await make_bus(url, publish_timeout=1.0)
    await bus.subscribe(queue_name, ["demo.#"], Collector())
    await proxy.cut()
    async with uow_factory() as uow:
        uow.add_event(item_added(1))
        await uow.commit()
    relay = OutboxRelay(demo_engine, TABLES, bus, listen=False)
    assert await relay.run_once() == 0
    assert await unpublished(demo_engine) == 1
    await proxy.close()


async def test_a_malformed_row_backs_off_alone_and_does_not_stall_the_others(
    uow_factory, demo_engine, make_bus, queue_name, demo
) -> None:
    bus = await make_bus()
    seen = Collector()
    await bus.subscribe(queue_name, ["demo.#"], seen)
    async with demo_engine.begin() as conn:
        await conn.execute(sa.insert(demo.TABLES.outbox).values(
            event_id=demo.item_added(0).event_id, name="demo.item_added.v1", body={"junk": 1}))
    for i in (1, 2):
        async with uow_factory() as uow:
            uow.add_event(demo.item_added(i))
            await uow.commit()
    relay = OutboxRelay(demo_engine, demo.TABLES, bus, listen=False)
    assert await relay.run_once() == 2
    await eventually(lambda: len(seen.names) == 2)
    async with demo_engine.connect() as conn:
        stuck = (await conn.execute(sa.select(demo.TABLES.outbox)
                                    .where(demo.TABLES.outbox.c.published_at.is_(None)))).one()
    assert stuck.attempts == 1 and "ValidationError" in stuck.last_error


def counted_passes(relay: OutboxRelay) -> list[int]:
    """The relay's passes so far, in the list's one item (its ``run_once`` counts them)."""
    passes = [0]
    run_once = relay.run_once

    async def counted() -> int:
        passes[0] += 1
        return await run_once()

    relay.run_once = counted  # type: ignore[method-assign]
    return passes


class FlakyBus:
    """A broker that is away until told otherwise; counts publish attempts."""

    def __init__(self) -> None:
        self.connected = False
        self.attempts = 0
        self.published: list[str] = []

    async def publish(self, envelope) -> None:  # type: ignore[no-untyped-def]
        self.attempts += 1
        if not self.connected:
            raise PublishError("ConnectionError: broker away")
        self.published.append(envelope.payload["name"])

    def is_connected(self) -> bool:
        return self.connected


async def test_relay_pauses_while_the_broker_is_away_and_resumes_when_it_returns(
    uow_factory, demo_engine, demo
) -> None:
    bus = FlakyBus()
    relay = OutboxRelay(demo_engine, demo.TABLES, bus, listen=False, poll_interval=0.05,  # type: ignore[arg-type]
                        base_backoff=0.1, max_backoff=0.4)
    passes = counted_passes(relay)
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop))
    for i in range(20):  # commits keep coming while the broker is away
        async with uow_factory() as uow:
            uow.add_event(demo.item_added(i))
            await uow.commit()
        await asyncio.sleep(0.05)
    passes_while_away = passes[0]
    bus.connected = True
    await eventually(lambda: len(bus.published) == 20, timeout=5)
    stop.set()
    await task
    # ~1 s away, pauses of 0.1, 0.2, 0.4, 0.4 s: a handful of passes, not one per 0.05 s poll
    assert 2 <= passes_while_away <= 7
    async with demo_engine.connect() as conn:
        rows = (await conn.execute(sa.select(demo.TABLES.outbox))).all()
    assert all(r.published_at is not None for r in rows)
    # rows failed only because the broker was away: no per-row backoff was pushed on them
    assert max(r.attempts for r in rows) <= 8


async def test_unroutable_rows_back_off_longer_than_other_failures(
    uow_factory, demo_engine, make_bus, demo
) -> None:
    bus = await make_bus()  # nothing bound: every publish is unroutable
    t = demo.TABLES.outbox
    async with demo_engine.begin() as conn:
        await conn.execute(sa.insert(t).values(
            event_id=demo.item_added(0).event_id, name="demo.item_added.v1", body={"junk": 1}))
    async with uow_factory() as uow:
        uow.add_event(demo.item_added(1))
        await uow.commit()
    async with demo_engine.begin() as conn:  # both have failed many times already
        await conn.execute(sa.update(t).values(attempts=12))
    relay = OutboxRelay(demo_engine, demo.TABLES, bus, listen=False)
    assert await relay.run_once() == 0
    async with demo_engine.connect() as conn:
        waits = dict((await conn.execute(sa.text(
            "SELECT last_error LIKE 'Unroutable%', "
            "extract(epoch FROM next_attempt_at - now()) FROM demo.outbox"))).all())
    assert 250 < waits[True] <= 300  # no consumer has bound it yet: retry quietly
    assert 5 < waits[False] <= 10  # malformed: the ordinary cap


async def test_a_steady_stream_of_commits_is_relayed_in_batches_not_a_pass_per_event(
    uow_factory, demo_engine, demo
) -> None:
    """Each commit NOTIFYs the relay; under a stream (a commit every ~6 ms) the relay starts
    a pass at most every ``min_pass_interval`` and takes what has gathered, instead of a
    pass (BEGIN, claim, publish, mark, COMMIT) per event. All are published, in order."""
    bus = FlakyBus()
    bus.connected = True
    relay = OutboxRelay(demo_engine, demo.TABLES, bus, min_pass_interval=0.05)  # type: ignore[arg-type]
    passes = counted_passes(relay)
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop))
    await asyncio.sleep(0.3)  # LISTEN is up
    before = passes[0]
    for i in range(100):
        async with uow_factory() as uow:
            uow.add_event(demo.item_added(i))
            await uow.commit()
        await asyncio.sleep(0.005)  # the relay's NOTIFY arrives between commits
    await eventually(lambda: len(bus.published) == 100, timeout=10)
    stop.set()
    await task
    assert bus.published == [f"item-{i}" for i in range(100)]
    assert passes[0] - before < 40, f"{passes[0] - before} passes for 100 events"
