"""Every event delivered twice, concurrently, to two consumer replicas (each with its own
engine): one effect each, the reports as if each event came once."""

from __future__ import annotations

import asyncio
import random

import sqlalchemy as sa

from hms_platform.db import make_engine
from hms_reporting.domain.queries import Period
from hms_reporting.entrypoints.consumer import build_consumer
from hms_reporting.service_layer import commands as c


async def test_two_replicas_each_given_every_event_have_one_effect(
        db, bus, settings, scenario) -> None:
    engines = [make_engine(settings.database_url.get_secret_value(), pool_size=4)
               for _ in range(2)]
    try:
        replicas = [build_consumer(settings, engine) for engine in engines]
        orders = [list(scenario.envelopes), list(scenario.envelopes)]
        random.Random(11).shuffle(orders[1])  # the second replica gets them in another order

        async def run(consumer, envelopes) -> None:  # type: ignore[no-untyped-def]
            for envelope in envelopes:
                await consumer(envelope)

        await asyncio.gather(*(run(r, o) for r, o in zip(replicas, orders, strict=True)))
    finally:
        for engine in engines:
            await engine.dispose()
    async with db.connect() as conn:
        counts = [await conn.scalar(sa.text(f"SELECT count(*) FROM reporting.{t}"))
                  for t in ("events", "inbox")]
        audited = await conn.scalar(sa.text(
            "SELECT count(*) = count(DISTINCT event_id) FROM reporting.audit_log"))
    assert counts == [len(scenario.envelopes)] * 2 and audited
    rows = (await bus.handle(c.AppointmentsReport(Period(scenario.day, scenario.day),
                                                  "status"))).rows
    assert {r["status"]: r["appointments"] for r in rows} == {
        "completed": 2, "no_show": 2, "cancelled": 1}
