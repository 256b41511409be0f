"""The outbox relay: publishes committed outbox rows and marks them published once confirmed,
woken by NOTIFY and polling as a fallback (why: docs/decisions/0002-outbox-with-notify.md)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable
from typing import Any

import sqlalchemy as sa
import structlog
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncEngine

from hms_contracts.envelope import Envelope
from hms_platform.listen import listen
from hms_platform.messaging.bus import EventBus, Unroutable
from hms_platform.outbox.tables import OutboxTables
from hms_platform.pgurl import libpq_url

log = structlog.get_logger(__name__)


class OutboxRelay:
    def __init__(
        self,
        engine: AsyncEngine,
        tables: OutboxTables,
        bus: EventBus,
        *,
        batch_size: int = 200,
        poll_interval: float = 0.5,
        base_backoff: float = 0.5,
        max_backoff: float = 10.0,
        unroutable_max_backoff: float = 300.0,
        listen: bool = True,
        min_pass_interval: float = 0.01,
    ) -> None:
        self.engine, self.tables, self.bus = engine, tables, bus
        self.batch_size, self.poll_interval = batch_size, poll_interval
        # Passes start at most this often while events keep coming: under a steady stream a
        # NOTIFY per commit would otherwise make a pass (BEGIN, claim, publish, mark, COMMIT)
        # per event; waiting up to this long batches them. Events further apart than this
        # are relayed at once.
        self.min_pass_interval = min_pass_interval
        self.base_backoff, self.max_backoff = base_backoff, max_backoff
        # No queue bound yet (its consumer service is not deployed): retried, but quietly.
        self.unroutable_max_backoff = unroutable_max_backoff
        self.listen = listen
        self._wake = asyncio.Event()
        self.published_total = 0
        self._stalled: str | None = None  # why the last pass published nothing of its rows
        # Built once: building them for each pass cost more than the statements' own work.
        t = tables.outbox
        self._claim = self.claim_query()
        self._mark = (sa.update(t).where(t.c.id == sa.any_(
            sa.bindparam("ids", type_=ARRAY(sa.BigInteger))))
                      .values(published_at=sa.func.now()))

    def claim_query(self) -> sa.Select[Any]:
        """The next batch of due, unpublished rows, locked; rows another relay holds are skipped."""
        t = self.tables.outbox
        return (
            sa.select(t.c.id, t.c.body)
            .where(t.c.published_at.is_(None), t.c.next_attempt_at <= sa.func.now())
            .order_by(t.c.id)
            .limit(self.batch_size)
            .with_for_update(skip_locked=True)
        )

    async def run_once(self) -> int:
        """Publish one batch of due rows; return how many were confirmed."""
        t = self.tables.outbox
        async with self.engine.begin() as conn:
            rows = (await conn.execute(self._claim)).all()
            self._stalled = None
            if not rows:
                return 0
            results = await asyncio.gather(
                *(self._publish(r.body) for r in rows),
                return_exceptions=True,
            )
            ok = [r.id for r, res in zip(rows, results, strict=True) if res is None]
            failed = [(r.id, res) for r, res in zip(rows, results, strict=True) if res is not None]
            if ok:
                await conn.execute(self._mark, {"ids": ok})
            # A row that fails on a live connection (unroutable, malformed) backs off alone; while
            # the broker is away every row would fail, and run() pauses the relay instead, so
            # the rows are due again the moment it is back.
            backoff = self.bus.is_connected()
            for row_id, exc in failed:
                values: dict[str, Any] = {"attempts": t.c.attempts + 1,
                                          "last_error": f"{type(exc).__name__}: {exc}"[:500]}
                if backoff:
                    cap = (self.unroutable_max_backoff if isinstance(exc, Unroutable)
                           else self.max_backoff)
                    values["next_attempt_at"] = sa.func.now() + sa.func.make_interval(
                        0, 0, 0, 0, 0, 0, sa.func.least(
                            cap, self.base_backoff * sa.func.power(2, t.c.attempts)))
                await conn.execute(sa.update(t).where(t.c.id == row_id).values(**values))
            if failed and (ok or backoff):  # those rows wait their own backoff, others flow
                log.warning("outbox.publish_failed", failed=len(failed), published=len(ok),
                            error=str(failed[0][1])[:200])
            elif failed:
                self._stalled = f"{type(failed[0][1]).__name__}: {failed[0][1]}"
        self.published_total += len(ok)
        return len(ok)

    async def _publish(self, body: dict[str, object]) -> None:
        # Parsed per row: one malformed row fails alone (and backs off) instead of the batch.
        await self.bus.publish(Envelope.model_validate(body))

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Relay until ``stop`` is set, woken by NOTIFY after commits and by polling."""
        stop = stop or asyncio.Event()
        # LISTEN on the schema's channel so a commit wakes the relay at once; polling covers
        # the gaps while that connection is down.
        listener = asyncio.create_task(listen(
            libpq_url(self.engine.url), self.tables.notify_channel, self._on_notify,
            stop=stop)) if self.listen else None
        pause = 0.0
        loop = asyncio.get_running_loop()
        try:
            while not stop.is_set():
                self._wake.clear()  # before the pass: a NOTIFY during it triggers another
                started = loop.time()
                try:
                    n, trouble = await self.run_once(), self._stalled
                except Exception as exc:  # the database is away
                    n, trouble = 0, f"{type(exc).__name__}: {exc}"
                if trouble:  # nothing got through: back off as a whole, one log line a step
                    pause = min(self.max_backoff, pause * 2 if pause else self.base_backoff)
                    log.warning("outbox.relay_paused", seconds=pause, error=trouble[:200])
                    await self._pause(pause, stop)
                    continue
                if pause:
                    log.info("outbox.relay_resumed")
                    pause = 0.0
                if n < self.batch_size:
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(self.poll_interval):
                            await _first(self._wake.wait(), stop.wait())
                    if n and not stop.is_set():  # events are flowing: gather a few more
                        await asyncio.sleep(started + self.min_pass_interval - loop.time())
        finally:
            if listener:
                listener.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await listener

    async def _pause(self, seconds: float, stop: asyncio.Event) -> None:
        """Wait ``seconds``, or less if the bus reconnects or we are stopped meanwhile."""
        was_connected = self.bus.is_connected()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while not stop.is_set() and loop.time() < deadline:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(min(0.2, max(0.0, deadline - loop.time()))):
                    await stop.wait()
            if not was_connected and self.bus.is_connected():
                return

    def _on_notify(self, _payload: str) -> None:
        self._wake.set()


async def _first(*aws: Awaitable[object]) -> None:
    tasks = [asyncio.ensure_future(a) for a in aws]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
