"""Hearing of line changes made by any process: every committed change sends
``NOTIFY hms_queue_lines, '<doctor id>'`` (adapters/unit_of_work.py); one LISTEN connection per
API process wakes the streams of that doctor's line. While the connection is down, streams
still send heartbeats and re-read on reconnect, so a lost notice is caught up (the connection
and its reconnects: hms_platform.listen, as the outbox relay's).

Each watched line also has a version, new at every notice for it (and for every line when
the connection starts or is lost): a read of the line made at one version is current until
the next, which is what lets the streams of a line share one read per change."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import uuid
from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncEngine

from hms_platform.listen import listen
from hms_platform.pgurl import libpq_url
from hms_queue.adapters.orm import LINES_CHANNEL


class Subscription:
    def __init__(self) -> None:
        self._changed = asyncio.Event()

    def notify(self) -> None:
        self._changed.set()

    async def wait(self, timeout: float) -> bool:
        """True when the line changed since the last wait, False after ``timeout``."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._changed.wait()
        changed = self._changed.is_set()
        self._changed.clear()
        return changed


class LineWatcher:
    def __init__(self, engine: AsyncEngine) -> None:
        self._dsn = libpq_url(engine.url)
        self._subscribers: dict[uuid.UUID, set[Subscription]] = {}
        self._versions: dict[uuid.UUID, int] = {}  # per watched line; never reused
        self._next_version = itertools.count(1)
        self._task: asyncio.Task[None] | None = None
        self.listening = asyncio.Event()
        self.closing = False  # the server is stopping: streams end instead of waiting

    def end_streams(self) -> None:
        """Wake every stream so that it ends: a server waits for open responses to finish
        before it stops, and a stream would never finish by itself."""
        self.closing = True
        self._wake_all()

    def version(self, doctor_id: uuid.UUID) -> int:
        """The line's current version while it is watched (0 when it is not)."""
        return self._versions.get(doctor_id, 0)

    def watched(self, doctor_id: uuid.UUID) -> bool:
        return doctor_id in self._subscribers

    @contextlib.asynccontextmanager
    async def subscribe(self, *doctor_ids: uuid.UUID) -> AsyncIterator[Subscription]:
        """One subscription, woken by a change to any of these doctors' lines."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(listen(
                self._dsn, LINES_CHANNEL, self._on_notify, on_connected=self._connected,
                on_lost=self._lost))
        subscription = Subscription()
        for doctor_id in doctor_ids:
            if doctor_id not in self._subscribers:
                self._versions[doctor_id] = next(self._next_version)
            self._subscribers.setdefault(doctor_id, set()).add(subscription)
        try:
            yield subscription
        finally:
            for doctor_id in doctor_ids:
                self._subscribers[doctor_id].discard(subscription)
                if not self._subscribers[doctor_id]:
                    del self._subscribers[doctor_id]
                    del self._versions[doctor_id]

    def _on_notify(self, payload: str) -> None:
        with contextlib.suppress(ValueError):
            doctor_id = uuid.UUID(payload)
            if doctor_id in self._versions:
                self._versions[doctor_id] = next(self._next_version)
            for subscription in self._subscribers.get(doctor_id, ()):
                subscription.notify()

    def _new_versions(self) -> None:
        for doctor_id in self._versions:
            self._versions[doctor_id] = next(self._next_version)

    def _wake_all(self) -> None:
        self._new_versions()
        for subscriptions in self._subscribers.values():
            for subscription in subscriptions:
                subscription.notify()

    def _connected(self) -> None:
        self.listening.set()
        self._wake_all()  # whatever changed while we were not listening

    def _lost(self) -> None:
        self.listening.clear()  # notices may be lost from now on
        self._new_versions()

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
