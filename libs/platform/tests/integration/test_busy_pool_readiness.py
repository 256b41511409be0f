"""The database readiness check does not queue behind the work it watches (db_probe): a pool
saturated by handlers whose connections keep coming back is ready at once; one whose
connections stopped coming back (a database that hangs) still gets the real query, and fails
when that does not answer in time."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa

from hms_platform.db import make_engine, ping
from hms_platform.readiness import readiness


async def _saturated(database_url: str, statement: str, ready_timeout: float,
                     workers: int = 30) -> tuple[bool, dict[str, object]]:
    engine = make_engine(database_url, pool_size=2)
    stop = asyncio.Event()

    async def work() -> None:  # a consumer's handlers: more than the pool, each in turn
        while not stop.is_set():
            async with engine.connect() as conn:
                await conn.execute(sa.text(statement))

    tasks = [asyncio.create_task(work()) for _ in range(workers)]
    try:
        await asyncio.sleep(0.6)
        return await readiness({"database": lambda: ping(engine)}, ready_timeout)
    finally:
        stop.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await engine.dispose()


async def test_a_busy_pool_that_keeps_answering_is_ready(database_url: str) -> None:
    # 28 handlers wait for one of 2 connections, 0.2 s each: a query in the queue would wait
    # about 2.8 s, past the probe's 1 s
    ready, body = await _saturated(database_url, "SELECT pg_sleep(0.2)", ready_timeout=1.0)
    assert ready, body


async def test_a_pool_whose_connections_stopped_coming_back_is_not_ready(
        database_url: str) -> None:
    ready, body = await _saturated(database_url, "SELECT pg_sleep(5)", ready_timeout=1.0,
                                   workers=2)
    assert not ready and body["checks"] == {"database": "error: TimeoutError"}, body
