"""bench/cpu_share.py: CPU over a load, per request, attributed to the process that used it
(a server's children count as it), and the labels the table prints."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from pathlib import Path

from hms_platform.testing.modules import load_beside

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))  # cpu_share imports load, as the bench runs it
cpu_share = load_beside(str(BENCH / "run.py"), "cpu_share.py", "hms_bench_cpu_share")
load = sys.modules["load"]

BURN = "import time\nend = time.process_time() + {s}\nwhile time.process_time() < end: pass\n"
# A server that does nothing itself but starts a child that burns: the child counts as it.
PARENT = ("import subprocess, sys\nsubprocess.run([sys.executable, '-c', {child!r}])\n")


async def test_a_process_that_ended_during_the_load_is_left_out_not_an_error() -> None:
    async with load.servers("cpu-share-test") as group:
        share = cpu_share.CpuShare.start(group, database="hms_bench_none")
        await group.start("brief", [sys.executable, "-c", BURN.format(s=0.2)], {})
        await group.running["brief"].wait()
        got = share.per_request(10.0)
    assert "brief" not in got["by_process_ms"]


async def test_running_processes_are_read_per_request() -> None:
    async with load.servers("cpu-share-test") as group:
        try:
            await group.start("burner", [sys.executable, "-c", BURN.format(s=3)], {})
            await group.start("parent", [sys.executable, "-c", PARENT.format(
                child=BURN.format(s=3))], {})
            await asyncio.sleep(0.3)  # both started, the child too
            share = cpu_share.CpuShare.start(group, database="hms_bench_none")
            await asyncio.sleep(1.0)
            got = share.per_request(10.0)  # 10 requests a second
        finally:  # each its own session: the child goes with its parent
            for process in group.running.values():
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
    by = got["by_process_ms"]
    # Each burns a core (or shares the two): 1 s of CPU at most, over 10 requests a second
    assert 20 < by["burner"] <= 110, by
    assert 20 < by["parent"] <= 110, by  # the child's CPU, counted as its parent's
    assert got["cores"] > 0.4
    assert abs(got["total_ms"] - sum(by.values())) < 0.01


def test_the_labels_of_each_part() -> None:
    share = {"cores": 1.5, "total_ms": 3.0, "by_process_ms": {"api": 2.0, "postgres": 1.0}}
    got = cpu_share.collected({
        "deployed": {"book_cpu": share, "list_cpu": share, "relay_rows_per_pass": 4.0},
        "baseline": {"same_work_book_cpu": share, "same_work_list_cpu": None},
        "system": {"book_50": {"cpu": share}, "book_200_3_consumers": {"cpu": share},
                   "idle_cpu": share, "seconds": 20}})
    assert list(got) == [
        "deployed: book (relay: 4.0 rows a pass)", "same work: book (bench/same_work.py)",
        "deployed: list", "system: booking -> SMS, 50/s",
        "system: booking -> SMS, 200 3 consumers/s", "system: idle (ms of CPU per second)"]
