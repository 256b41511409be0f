"""The one LISTEN loop (the outbox relay's and the queue's live streams'): notices reach the
caller, a dropped connection is reopened and said so both ways, and ``stop`` ends it."""

from __future__ import annotations

import asyncio
import contextlib

import asyncpg

from hms_platform.listen import listen
from hms_platform.pgurl import libpq_url

CHANNEL = "hms_test_listen"


async def test_notices_arrive_and_a_dropped_connection_is_reopened(database_url) -> None:
    dsn = libpq_url(database_url)
    payloads: asyncio.Queue[str] = asyncio.Queue()
    changes: asyncio.Queue[str] = asyncio.Queue()
    stop = asyncio.Event()
    task = asyncio.create_task(listen(
        dsn, CHANNEL, payloads.put_nowait, stop=stop, retry_seconds=0.1, check_seconds=0.1,
        on_connected=lambda: changes.put_nowait("connected"),
        on_lost=lambda: changes.put_nowait("lost")))
    admin = await asyncpg.connect(dsn)
    try:
        async with asyncio.timeout(30):
            assert await changes.get() == "connected"
            await admin.execute(f"NOTIFY {CHANNEL}, 'one'")
            assert await payloads.get() == "one"
            # the server drops the listening connection: told, then listening again
            await admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                "WHERE datname = current_database() AND query LIKE 'LISTEN%' "
                                "AND pid <> pg_backend_pid()")
            assert [await changes.get(), await changes.get()] == ["lost", "connected"]
            await admin.execute(f"NOTIFY {CHANNEL}, 'two'")
            assert await payloads.get() == "two"
            stop.set()
            await task  # ends by itself once stopped
            assert await changes.get() == "lost"
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await admin.close()


async def test_an_unreachable_database_is_retried_until_stopped() -> None:
    stop = asyncio.Event()
    connected: list[bool] = []
    task = asyncio.create_task(listen(
        "postgresql://postgres@127.0.0.1:1/none", CHANNEL, lambda _: None, stop=stop,
        retry_seconds=0.05, on_connected=lambda: connected.append(True)))
    await asyncio.sleep(0.3)
    assert not task.done()  # still trying
    stop.set()
    async with asyncio.timeout(5):
        await task
    assert connected == []
