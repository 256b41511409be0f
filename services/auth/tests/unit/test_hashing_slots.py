"""Argon2 runs a bounded number at once; past the waiting room, callers are told at once."""

from __future__ import annotations

import asyncio
import threading

import pytest

from hms_auth.adapters.passwords import Argon2PasswordHasher, HashingSlots
from hms_auth.domain.errors import ServiceBusy


async def test_slots_bound_concurrency_and_refuse_past_the_waiting_room() -> None:
    release = threading.Event()
    running, peak = 0, 0
    lock = threading.Lock()

    def slow() -> str:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        release.wait(5)
        with lock:
            running -= 1
        return "done"

    slots = HashingSlots(concurrency=2, max_waiting=3)
    tasks = [asyncio.create_task(slots.run(slow)) for _ in range(10)]
    await asyncio.sleep(0.2)
    refused = [t for t in tasks if t.done()]
    assert len(refused) == 5  # 2 running + 3 waiting; the other 5 answered at once
    assert all(isinstance(t.exception(), ServiceBusy) for t in refused)
    assert refused[0].exception().retry_after >= 1
    release.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert results.count("done") == 5 and peak == 2 and slots.refused == 5
    assert await slots.run(lambda: "again") == "again"  # the slots all came back


async def test_the_hasher_goes_through_its_slots() -> None:
    hasher = Argon2PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1,
                                  concurrency=1, max_waiting=0)
    results = await asyncio.gather(*(hasher.hash("a password") for _ in range(6)),
                                   return_exceptions=True)
    busy = [r for r in results if isinstance(r, ServiceBusy)]
    assert busy and len(busy) < 6
    stored = next(r for r in results if isinstance(r, str))
    assert (await hasher.verify("a password", stored))[0]


def test_slots_refuse_nonsense_sizes() -> None:
    with pytest.raises(ValueError):
        HashingSlots(concurrency=0, max_waiting=1)
