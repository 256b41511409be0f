"""What streams send, read once per change of a line in this API process, however many
streams show that line: a thousand open screens of one line cost one query per change, not a
thousand (nor a thousand pooled connections).

A read is made at the line's version (``LineWatcher``: new at each NOTIFY for it). Until the
version moves on, every stream of the line gets that read: awaiting it while it is in flight
(single flight), or its result once done, while the LISTEN connection is up (without it a
change could go unheard, so a finished read is not reused). A failed read is logged once, not
once per stream, and is retried when a stream next asks, at most once a second."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import time
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

import structlog
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from hms_queue.adapters.line_changes import LineWatcher, Subscription

log = structlog.get_logger(__name__)

Board = dict[str, object]
RETRY_FAILED_READ_SECONDS = 1.0
# A database that is busy or away is an outage, logged as such; anything else is a fault.
OUTAGES = (PoolTimeout, DBAPIError, OSError)


@dataclass
class _Read:
    version: int
    task: asyncio.Task[Board]
    while_listening: bool  # the LISTEN connection was up when the read began
    failed_at: float | None = field(default=None)

    def serves(self, version: int, listening: bool, now: float) -> bool:
        if version != self.version:
            return False
        if not self.task.done():
            return True
        if self.failed_at is not None:
            return now - self.failed_at < RETRY_FAILED_READ_SECONDS
        return self.while_listening and listening


class LineBoards:
    def __init__(self, watcher: LineWatcher,
                 read: Callable[[uuid.UUID], Coroutine[Any, Any, Board]], *,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._watcher = watcher
        self._read = read
        self._monotonic = monotonic
        self._reads: dict[uuid.UUID, _Read] = {}
        self._running: set[asyncio.Task[Board]] = set()

    @contextlib.asynccontextmanager
    async def watch(self, *doctor_ids: uuid.UUID) -> AsyncIterator[Subscription]:
        """The watcher's subscription to these lines; their reads are dropped once no stream
        watches them."""
        try:
            async with self._watcher.subscribe(*doctor_ids) as subscription:
                yield subscription
        finally:
            for doctor_id in doctor_ids:
                if not self._watcher.watched(doctor_id):
                    self._reads.pop(doctor_id, None)

    def version(self, doctor_id: uuid.UUID) -> int:
        return self._watcher.version(doctor_id)

    async def board(self, doctor_id: uuid.UUID) -> tuple[int, Board]:
        """The line's board as of its current version, and that version (a line nobody
        watches is read afresh). Raises what the read raised."""
        version = self._watcher.version(doctor_id)
        listening = self._watcher.listening.is_set()
        if not self._watcher.watched(doctor_id):
            return version, await self._read(doctor_id)
        read = self._reads.get(doctor_id)
        if read is None or not read.serves(version, listening, self._monotonic()):
            read = self._start(doctor_id, version, listening)
        # shield: a stream whose client leaves must not cancel the read the others await
        return read.version, await asyncio.shield(read.task)

    def _start(self, doctor_id: uuid.UUID, version: int, listening: bool) -> _Read:
        # An empty context: the read serves many requests, and logs as none of them.
        task = asyncio.create_task(self._read(doctor_id), context=contextvars.Context())
        read = _Read(version, task, listening)
        self._reads[doctor_id] = read
        self._running.add(task)
        task.add_done_callback(lambda done: self._finished(doctor_id, read, done))
        return read

    def _finished(self, doctor_id: uuid.UUID, read: _Read, task: asyncio.Task[Board]) -> None:
        self._running.discard(task)
        if task.cancelled():
            if self._reads.get(doctor_id) is read:
                del self._reads[doctor_id]
            return
        error = task.exception()  # retrieved here, whether or not a stream still awaits it
        if error is None:
            return
        read.failed_at = self._monotonic()
        if isinstance(error, OUTAGES):
            log.warning("queue.line_read_failed", doctor_id=str(doctor_id),
                        error=type(error).__name__)
        else:
            log.error("queue.line_read_failed", doctor_id=str(doctor_id), exc_info=error)

    async def close(self, timeout: float = 5.0) -> None:
        """Let the reads in flight finish (briefly), then cancel the rest."""
        if self._running:
            _, pending = await asyncio.wait(set(self._running), timeout=timeout)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending)
