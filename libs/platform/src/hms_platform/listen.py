"""One LISTEN connection kept open: Postgres NOTIFY wakes a process at once (the outbox relay
after a commit, the queue's live streams after a line change). While the connection is down
the caller falls back on what it does anyway (polling, heartbeats) and is told when it is
back, to catch up on notices it may have missed."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

import asyncpg
import structlog

log = structlog.get_logger(__name__)


def _nothing() -> None:
    pass


async def listen(
    dsn: str,
    channel: str,
    on_notify: Callable[[str], None],
    *,
    stop: asyncio.Event | None = None,
    on_connected: Callable[[], None] = _nothing,
    on_lost: Callable[[], None] = _nothing,
    retry_seconds: float = 2.0,
    check_seconds: float = 1.0,
) -> None:
    """LISTEN on ``channel`` until ``stop`` is set or the task is cancelled; ``on_notify``
    gets each notice's payload. A connection that fails or drops is reopened after
    ``retry_seconds``; ``on_connected`` runs each time the LISTEN is in place, ``on_lost``
    each time a connection that had it ends (notices may have been lost since)."""
    stop = stop or asyncio.Event()
    while not stop.is_set():
        conn: asyncpg.Connection | None = None
        listening = False
        try:
            conn = await asyncpg.connect(dsn)
            gone = asyncio.Event()
            conn.add_termination_listener(lambda _conn, gone=gone: gone.set())
            await conn.add_listener(channel, lambda _conn, _pid, _channel, payload:
                                    on_notify(payload))
            listening = True
            on_connected()
            while not (stop.is_set() or gone.is_set() or conn.is_closed()):
                with contextlib.suppress(TimeoutError):  # re-check the connection now and then
                    async with asyncio.timeout(check_seconds):
                        await first_set(stop, gone)
        except (OSError, asyncpg.PostgresError) as error:
            log.info("listen.unavailable", channel=channel, error=type(error).__name__)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(retry_seconds):
                    await stop.wait()
        finally:
            if listening:
                on_lost()
            if conn is not None and not conn.is_closed():
                await conn.close()


async def first_set(*events: asyncio.Event, timeout: float | None = None) -> None:
    """Until one of ``events`` is set, or ``timeout`` seconds (a wake event and a stop)."""
    tasks = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        await asyncio.wait(tasks, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
