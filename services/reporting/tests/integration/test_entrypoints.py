"""The processes over the real database: events published on RabbitMQ by a test producer reach
the consumer and the reports; the embedded component under duplicate concurrent delivery; the
CLI's replay and migrate as the commands an operator runs."""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys
import uuid

import sqlalchemy as sa

from hms_platform.messaging.memory import InMemoryBus
from hms_platform.messaging.rabbit import RabbitBus
from hms_platform.testing.plugin import track_bus
from hms_platform.testing.polling import eventually
from hms_reporting import MIGRATIONS
from hms_reporting.domain.queries import Period
from hms_reporting.embedded import component
from hms_reporting.entrypoints.consumer import QUEUE, build_consumer
from hms_reporting.service_layer import commands as c


async def stored(db) -> int:  # type: ignore[no-untyped-def]
    async with db.connect() as conn:
        return int(await conn.scalar(sa.text("SELECT count(*) FROM reporting.events")))


async def by_status(bus, day) -> dict[str, int]:  # type: ignore[no-untyped-def]
    rows = (await bus.handle(c.AppointmentsReport(Period(day, day), "status"))).rows
    return {r["status"]: r["appointments"] for r in rows}


async def test_events_published_on_rabbitmq_show_in_the_reports(
        db, bus, settings, scenario, amqp_url) -> None:
    rabbit = track_bus(RabbitBus(amqp_url, prefix=f"r{uuid.uuid4().hex[:8]}."))
    await rabbit.connect()
    try:
        consumer = build_consumer(settings, db)
        await rabbit.subscribe(QUEUE, consumer.routing_keys, consumer)
        envelopes = list(scenario.envelopes)
        random.Random(3).shuffle(envelopes)
        for envelope in envelopes + envelopes[:10]:  # ten published twice
            await rabbit.publish(envelope)

        async def all_arrived() -> bool:
            return await stored(db) == len(scenario.envelopes)

        await eventually(all_arrived)
        await asyncio.sleep(0.3)  # a straggler would change the counts now
    finally:
        await rabbit.close()
    assert await by_status(bus, scenario.day) == {"completed": 2, "no_show": 2, "cancelled": 1}


async def test_the_embedded_component_takes_each_event_once(db, bus, scenario) -> None:
    memory = InMemoryBus(duplicate=True)  # every message twice, concurrently
    part = component(db.url.render_as_string(hide_password=False), memory)
    assert (part.name, part.migrations, part.tables.schema) == ("reporting", MIGRATIONS,
                                                                "reporting")
    try:
        for sub in part.subscriptions:
            await memory.subscribe(sub.queue, sub.routing_keys, sub.handler)
        for envelope in scenario.envelopes:
            await memory.publish(envelope)
        await memory.drain()
    finally:
        await part.engine.dispose()
    assert memory.dead_letters == {}
    assert await stored(db) == len(scenario.envelopes)
    assert await by_status(bus, scenario.day) == {"completed": 2, "no_show": 2, "cancelled": 1}


def _cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REPORTING_DATABASE_URL": url, "REPORTING_ENVIRONMENT": "test"}
    return subprocess.run([sys.executable, "-m", "hms_reporting.entrypoints.cli", *args],
                          env=env, capture_output=True, text=True, timeout=120, check=True)


async def test_the_replay_command_rebuilds_the_same_reports(
        db, bus, producer, scenario, migrated_url) -> None:
    for envelope in scenario.envelopes:
        await producer.deliver(envelope)
    before = await by_status(bus, scenario.day)
    async with db.begin() as conn:  # the read models lost, the event store kept
        await conn.execute(sa.text("TRUNCATE reporting.appointments, reporting.people"))
    assert await by_status(bus, scenario.day) == {}
    for _ in range(2):
        done = await asyncio.to_thread(_cli, migrated_url, "replay")
        assert f"replayed {len(scenario.envelopes)} events" in done.stdout
        assert await by_status(bus, scenario.day) == before


def test_cli_migrate_is_idempotent(migrated_url) -> None:
    _cli(migrated_url, "migrate")
