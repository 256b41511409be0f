"""The SQL order (adapters/tickets.py) is the domain's (domain/ordering.py): the same line,
sorted in Python with aging, gives the same call order, positions and people ahead."""

from __future__ import annotations

import random
import uuid
from datetime import date

import pytest
import sqlalchemy as sa

from hms_queue.adapters.orm import tickets
from hms_queue.adapters.tickets import SqlTicketRepository
from hms_queue.domain.ordering import order_key

DAY = date(2026, 3, 2)


@pytest.mark.parametrize(("aging", "seed"), [(0, 1), (30, 2), (7, 3), (1, 4)])
async def test_sql_order_and_people_ahead_match_the_domain(db, clock, random_line,
                                                           aging: int, seed: int) -> None:
    rng, doctor, now = random.Random(seed), uuid.uuid4(), clock.now()
    rows = random_line(rng, doctor, now, range(1, 121))
    async with db.begin() as conn:
        await conn.execute(sa.insert(tickets), rows)
    waiting = [r for r in rows if r["status"] == "waiting"]
    expected = [r["id"] for r in sorted(waiting, key=lambda r: order_key(
        r["urgency"], r["queued_at"], r["id"], now, aging))]
    async with db.connect() as conn:
        repo = SqlTicketRepository(conn, lambda ticket: None)  # no unit of work: no events
        in_order = await repo.in_order(doctor, DAY, now, aging, limit=200)
        page = await repo.in_order(doctor, DAY, now, aging, limit=10, offset=20)
        assert [t.id for t in in_order] == expected
        assert [t.id for t in page] == expected[20:30]
        for position, ticket in enumerate(in_order):
            assert await repo.people_ahead(ticket, now, aging) == position
