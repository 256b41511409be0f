"""The `system` part's load and arithmetic: an open-loop driver (requests start on a fixed
schedule, whether or not earlier ones were answered: a steady rate, unlike wrk's closed loop),
and the matching of acknowledged writes to the SMS the provider took (latency, lost, doubled).
The arithmetic is pure (tests/test_bench_whole.py)."""

from __future__ import annotations

import asyncio
import math
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

MAX_IN_FLIGHT = 2_000  # beyond this a due request is dropped (counted), not started


@dataclass
class Sent:
    """One request of the load: when it was due, started and answered, and its status."""

    due: float
    started: float
    answered: float | None = None
    status: int | None = None
    key: str | None = None  # what the provider's message is matched by (a phone, a label)


@dataclass
class Drive:
    rate: float
    seconds: float
    sent: list[Sent] = field(default_factory=list)
    dropped: int = 0  # due while MAX_IN_FLIGHT were unanswered
    errors: Counter[str] = field(default_factory=Counter)  # exceptions by type

    def acked(self, status: int) -> list[Sent]:
        return [s for s in self.sent if s.status == status and s.answered is not None]

    def statuses(self) -> dict[str, int]:
        return dict(sorted(Counter(str(s.status) for s in self.sent).items()))

    def summary(self) -> dict[str, Any]:
        answered = [s for s in self.sent if s.answered is not None]
        lag = [s.started - s.due for s in self.sent]
        return {"rate": self.rate, "seconds": self.seconds, "requests": len(self.sent),
                "statuses": self.statuses(), "dropped": self.dropped,
                "errors": dict(self.errors),
                "request": percentiles([1000 * (s.answered - s.started) for s in answered
                                        if s.answered is not None]),
                "start_lag_ms_p99": percentiles([1000 * x for x in lag])["p99_ms"]}


async def open_loop(rate: float, seconds: float,
                    send: Callable[[int], Awaitable[tuple[int, str | None]]]) -> Drive:
    """``send(i)`` for i = 0, 1, ... at ``rate`` per second for ``seconds``, each as its own
    task the moment it is due; ``send`` answers (status, key). Waits for every answer."""
    drive, loop = Drive(rate, seconds), asyncio.get_running_loop()
    tasks: set[asyncio.Task[None]] = set()
    total, begin = int(rate * seconds), time.perf_counter()

    async def one(i: int, record: Sent) -> None:
        try:
            record.status, record.key = await send(i)
        except Exception as error:  # a refused connection, a timeout: counted, not raised
            drive.errors[type(error).__name__] += 1
        else:
            record.answered = time.perf_counter()

    for i in range(total):
        due = begin + i / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        if len(tasks) >= MAX_IN_FLIGHT:
            drive.dropped += 1
            continue
        record = Sent(due, time.perf_counter())
        drive.sent.append(record)
        task = loop.create_task(one(i, record))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    if tasks:
        await asyncio.gather(*tasks)
    return drive


def percentiles(values: Iterable[float]) -> dict[str, float | None]:
    """p50, p99 (nearest rank) and max; None for no values."""
    ordered = sorted(values)
    if not ordered:
        return {"n": 0, "p50_ms": None, "p99_ms": None, "max_ms": None}

    def rank(p: float) -> float:
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]

    return {"n": len(ordered), "p50_ms": rank(50), "p99_ms": rank(99), "max_ms": ordered[-1]}


def matched(acked: dict[str, float], arrivals: Iterable[tuple[str, float]]) -> dict[str, Any]:
    """Acknowledged writes (key -> when acknowledged) against the provider's messages (key,
    when taken): the latency of each write's first message, the writes with none (lost), the
    writes with more than one (doubled, with how many extra) and messages no write explains."""
    first: dict[str, float] = {}
    seen: Counter[str] = Counter()
    unexpected = 0
    for key, at in arrivals:
        if key not in acked:
            unexpected += 1
            continue
        seen[key] += 1
        first[key] = min(at, first.get(key, at))
    latencies = [1000 * (first[k] - acked[k]) for k in first]
    return {**percentiles(latencies), "acked": len(acked),
            "lost": sum(1 for k in acked if k not in first),
            "doubled": sum(1 for n in seen.values() if n > 1),
            "extra_messages": sum(n - 1 for n in seen.values() if n > 1),
            "unexpected": unexpected}


async def settled(count: Callable[[], int], want: int, stall: float, cap: float = 600.0,
                  quiet: float = 2.0) -> float:
    """Wait until ``count()`` reaches ``want`` (then ``quiet`` more seconds, for any doubles),
    or until it has not grown for ``stall`` seconds, or ``cap`` seconds in all; returns the
    seconds waited. A backlog still draining is waited for: what is missing at the end was
    lost, not late."""
    started = last_change = time.perf_counter()
    seen = count()
    while seen < want:
        now = time.perf_counter()
        if now - last_change > stall or now - started > cap:
            break
        await asyncio.sleep(0.1)
        if (latest := count()) != seen:
            seen, last_change = latest, time.perf_counter()
    await asyncio.sleep(quiet)
    return time.perf_counter() - started
