"""10,000 waiting tickets in one line: call-next reads each urgency level's head from the
index (a handful of rows, not the line), and people-ahead counts index ranges no longer than
the people ahead. Shown by the query plans' row counts, not by timing."""

from __future__ import annotations

import json
import time
import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa

from hms_queue.adapters.tickets import _IN_ORDER, SqlTicketRepository, people_ahead_query

DAY = date(2026, 3, 2)
N = 10_000


def nodes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    found = [plan]
    for child in plan.get("Plans", []):
        found += nodes(child)
    return found


async def explain(conn: Any, statement: sa.TextClause,
                  params: dict[str, Any]) -> list[dict[str, Any]]:
    result = await conn.execute(sa.text("EXPLAIN (ANALYZE, FORMAT JSON) " + statement.text),
                                params)
    return nodes(_json(result.scalar_one())[0]["Plan"])


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


async def test_ten_thousand_waiting_tickets(db, clock, capsys) -> None:
    doctor, now = uuid.uuid4(), clock.now()
    async with db.begin() as conn:
        await conn.execute(sa.text(
            "INSERT INTO queue.tickets (id, doctor_id, clinic_day, letter, number, patient_id, "
            "urgency, source, status, arrived_at, queued_at) "
            "SELECT gen_random_uuid(), :d, :day, 'A', n, gen_random_uuid(), 1 + n % 5, "
            "'walk_in', 'waiting', at, at FROM generate_series(1, :n) AS n, "
            "LATERAL (SELECT CAST(:now AS timestamptz) - make_interval(secs => (:n - n) * 3) "
            "AS at) AS arrival"),
            {"d": doctor, "day": DAY, "now": now, "n": N})
        await conn.execute(sa.text("ANALYZE queue.tickets"))
    async with db.connect() as conn:
        repo = SqlTicketRepository(conn, lambda ticket: None)  # no unit of work: no events
        # call-next's query: the line's first ticket
        plan = await explain(conn, _IN_ORDER, {
            "doctor": doctor, "day": DAY, "now": now, "aging": 30, "per_level": 1, "limit": 1,
            "offset": 0})
        scans = [n for n in plan if "Scan" in n["Node Type"] and n.get("Relation Name")]
        assert scans and all(n["Node Type"].startswith("Index") for n in scans)
        read = sum(n["Actual Rows"] * n["Actual Loops"] for n in scans)
        assert {n["Index Name"] for n in scans} == {"ix_tickets_waiting_order"}
        assert read <= 5  # one head per urgency level
        # people ahead of the line's last ticket (everyone else is ahead of it)
        last = (await repo.in_order(doctor, DAY, now, 30, 1, N - 1))[0]
        started = time.perf_counter()
        ahead = await repo.people_ahead(last, now, 30)
        ahead_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        head = await repo.in_order(doctor, DAY, now, 30, 1)
        head_ms = (time.perf_counter() - started) * 1000
        assert ahead == N - 1 and head
        middle = (await repo.in_order(doctor, DAY, now, 30, 1, 100))[0]
        assert await repo.people_ahead(middle, now, 30) == 100
        # people ahead: ranges of the index (index or bitmap scans, never the table's every
        # row), finding exactly the people ahead
        for ticket, ahead_of_it in ((middle, 100), (last, N - 1)):
            compiled = people_ahead_query(ticket, now, 30).compile(dialect=conn.dialect)
            result = await conn.exec_driver_sql(
                "EXPLAIN (ANALYZE, FORMAT JSON) " + str(compiled),
                tuple(compiled.params[name] for name in compiled.positiontup or ()))
            plan = nodes(_json(result.scalar_one())[0]["Plan"])
            scans = [n for n in plan if "Scan" in n["Node Type"] and n.get("Relation Name")]
            assert all(n["Node Type"] != "Seq Scan" for n in plan)
            assert scans and all(n["Node Type"] in ("Index Scan", "Index Only Scan",
                                                    "Bitmap Heap Scan") for n in scans)
            assert sum(n["Actual Rows"] for n in scans) == ahead_of_it
            assert {n["Index Name"] for n in plan if "Index Name" in n} == {
                "ix_tickets_waiting_order"}
    with capsys.disabled():  # figures for the record, not assertions
        print(f"\n{N} waiting: call-next query read {read} index rows ({head_ms:.1f} ms); "
              f"people ahead of the last ticket {ahead} ({ahead_ms:.1f} ms)")
