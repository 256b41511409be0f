"""Shared line reads, over a fake watcher: concurrent streams of a line share one read in
flight, a finished read serves until the line's next change, a change while a read is in
flight gets a read of its own, a stream that leaves does not cancel the read the others
await, and a failed read is logged once, not once per stream."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import Counter
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.exc import TimeoutError as PoolTimeout
from structlog.testing import capture_logs

from hms_queue.entrypoints.api.line_boards import Board, LineBoards

D, E = uuid.UUID(int=1), uuid.UUID(int=2)


class FakeWatcher:
    def __init__(self) -> None:
        self.versions: dict[uuid.UUID, int] = {}
        self.watchers: Counter[uuid.UUID] = Counter()
        self.listening = asyncio.Event()
        self.listening.set()

    def version(self, doctor_id: uuid.UUID) -> int:
        return self.versions.get(doctor_id, 0)

    def watched(self, doctor_id: uuid.UUID) -> bool:
        return self.watchers[doctor_id] > 0

    def change(self, doctor_id: uuid.UUID) -> None:
        self.versions[doctor_id] += 1

    @contextlib.asynccontextmanager
    async def subscribe(self, *doctor_ids: uuid.UUID) -> AsyncIterator[None]:
        for d in doctor_ids:
            self.watchers[d] += 1
            self.versions.setdefault(d, 1)
        try:
            yield None
        finally:
            for d in doctor_ids:
                self.watchers[d] -= 1


class SlowReads:
    """Reads that wait for ``release``; ``count`` per line, ``fail`` makes them raise."""

    def __init__(self) -> None:
        self.count: Counter[uuid.UUID] = Counter()
        self.gate = asyncio.Event()
        self.fail: Exception | None = None

    async def __call__(self, doctor_id: uuid.UUID) -> Board:
        self.count[doctor_id] += 1
        serial = self.count[doctor_id]
        await self.gate.wait()
        if self.fail is not None:
            raise self.fail
        return {"doctor_id": str(doctor_id), "read": serial}


@pytest.fixture
def setup() -> tuple[FakeWatcher, SlowReads, LineBoards]:
    watcher, reads = FakeWatcher(), SlowReads()
    return watcher, reads, LineBoards(watcher, reads)  # type: ignore[arg-type]


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_concurrent_streams_of_a_line_share_one_read(setup) -> None:
    watcher, reads, boards = setup
    async with boards.watch(D), boards.watch(E):
        waiting = [asyncio.create_task(boards.board(d)) for d in [D] * 100 + [E] * 20]
        await settle()
        reads.gate.set()
        results = await asyncio.gather(*waiting)
        assert reads.count == {D: 1, E: 1}
        assert {r[1]["read"] for r in results} == {1}
        await boards.board(D)  # done, and the line has not changed since: no new read
        assert reads.count[D] == 1
        watcher.change(D)
        version, board = await boards.board(D)
        assert reads.count == {D: 2, E: 1} and board["read"] == 2
        assert version == watcher.version(D)


async def test_a_change_during_a_read_gets_a_read_of_its_own(setup) -> None:
    watcher, reads, boards = setup
    async with boards.watch(D):
        first = asyncio.create_task(boards.board(D))
        await settle()
        watcher.change(D)  # the read in flight may have missed this change
        second = asyncio.create_task(boards.board(D))
        await settle()
        reads.gate.set()
        (v1, b1), (v2, b2) = await first, await second
        assert reads.count[D] == 2 and b1["read"] == 1 and b2["read"] == 2
        assert v1 < v2 == watcher.version(D)


async def test_a_leaving_stream_does_not_cancel_the_shared_read(setup) -> None:
    _, reads, boards = setup
    async with boards.watch(D):
        leaving = asyncio.create_task(boards.board(D))
        staying = asyncio.create_task(boards.board(D))
        await settle()
        leaving.cancel()
        await settle()
        reads.gate.set()
        assert (await staying)[1]["read"] == 1
        assert reads.count[D] == 1


async def test_a_finished_read_is_not_reused_while_changes_could_go_unheard(setup) -> None:
    watcher, reads, boards = setup
    reads.gate.set()
    async with boards.watch(D):
        await boards.board(D)
        watcher.listening.clear()  # LISTEN connection down: a NOTIFY may be lost
        await boards.board(D)
        await boards.board(D)
        assert reads.count[D] == 3


async def test_a_failed_read_is_logged_once_and_retried_later(setup) -> None:
    _, reads, boards = setup
    reads.fail = PoolTimeout("pool exhausted")
    clock = [100.0]
    boards._monotonic = lambda: clock[0]
    with capture_logs() as logs:
        async with boards.watch(D):
            waiting = [asyncio.create_task(boards.board(D)) for _ in range(50)]
            await settle()
            reads.gate.set()
            results = await asyncio.gather(*waiting, return_exceptions=True)
            assert all(isinstance(r, PoolTimeout) for r in results)
            with pytest.raises(PoolTimeout):
                await boards.board(D)  # within the second: the same failure, no new read
            assert reads.count[D] == 1
            clock[0] += 1.5
            reads.fail = None
            assert (await boards.board(D))[1]["read"] == 2
    assert [(e["event"], e["log_level"], "exc_info" in e) for e in logs] == [
        ("queue.line_read_failed", "warning", False)]


async def test_reads_are_dropped_with_the_last_stream_of_a_line(setup) -> None:
    _, reads, boards = setup
    reads.gate.set()
    async with boards.watch(D):
        await boards.board(D)
    assert boards._reads == {}
    async with boards.watch(D):
        await boards.board(D)
    assert reads.count[D] == 2
