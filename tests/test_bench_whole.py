"""The arithmetic of make bench's whole-system rows (bench/whole_load.py, bench/whole_table.py):
percentiles, matching acknowledged writes to the provider's messages (lost, doubled), the
open-loop driver's bookkeeping, and whether a row's target holds."""

from __future__ import annotations

import asyncio
from pathlib import Path

from hms_platform.testing.modules import load_beside

BENCH = Path(__file__).resolve().parents[1] / "bench"
whole_load = load_beside(str(BENCH / "run.py"), "whole_load.py", "hms_bench_whole_load")
whole_table = load_beside(str(BENCH / "run.py"), "whole_table.py", "hms_bench_whole_table")


def test_percentiles_are_nearest_rank_with_the_maximum() -> None:
    got = whole_load.percentiles(float(x) for x in range(100, 0, -1))
    assert got == {"n": 100, "p50_ms": 50.0, "p99_ms": 99.0, "max_ms": 100.0}
    assert whole_load.percentiles([7.0]) == {"n": 1, "p50_ms": 7.0, "p99_ms": 7.0,
                                             "max_ms": 7.0}
    assert whole_load.percentiles([])["p99_ms"] is None


def test_matching_counts_lost_doubled_and_unexplained_messages() -> None:
    acked = {"a": 10.0, "b": 20.0, "c": 30.0}
    arrivals = [("a", 10.05), ("b", 20.2), ("b", 20.9), ("x", 1.0)]  # c: none; b: twice
    got = whole_load.matched(acked, arrivals)
    assert got["acked"] == 3
    assert got["lost"] == 1
    assert got["doubled"] == 1 and got["extra_messages"] == 1
    assert got["unexpected"] == 1
    assert got["n"] == 2  # a's latency and b's first message's
    assert round(got["max_ms"]) == 200 and round(got["p50_ms"]) == 50


def test_a_message_earlier_than_its_twin_is_the_one_measured() -> None:
    got = whole_load.matched({"a": 1.0}, [("a", 1.5), ("a", 1.1)])
    assert round(got["p99_ms"]) == 100 and got["doubled"] == 1


async def test_the_open_loop_starts_every_request_and_records_each_answer() -> None:
    async def send(i: int) -> tuple[int, str]:
        if i == 3:
            raise ConnectionError("refused")
        return (201 if i % 2 else 409), f"k{i}"

    drive = await whole_load.open_loop(200, 0.05, send)
    assert len(drive.sent) == 10 and drive.dropped == 0
    assert drive.errors == {"ConnectionError": 1}
    assert [s.key for s in drive.acked(201)] == ["k1", "k5", "k7", "k9"]
    assert drive.statuses() == {"201": 4, "409": 5, "None": 1}
    assert drive.summary()["request"]["n"] == 9


async def test_due_requests_beyond_the_in_flight_cap_are_dropped_and_counted(
        monkeypatch) -> None:
    monkeypatch.setattr(whole_load, "MAX_IN_FLIGHT", 2)
    release = asyncio.Event()

    async def send(i: int) -> tuple[int, None]:
        await release.wait()
        return 200, None

    run = asyncio.create_task(whole_load.open_loop(400, 0.01, send))
    await asyncio.sleep(0.05)  # a timer due after every request's: all were due before it
    release.set()
    drive = await run
    assert len(drive.sent) == 2 and drive.dropped == 2


def result(p99: float, lost: int = 0, doubled: int = 0) -> dict:
    sms = {"n": 10, "p50_ms": p99 / 2, "p99_ms": p99, "max_ms": p99 + 1, "acked": 10,
           "lost": lost, "doubled": doubled}
    drive = {"statuses": {"201": 10}, "dropped": 0, "errors": {},
             "request": {"p50_ms": 10.0, "p99_ms": 20.0}, "start_lag_ms_p99": 1.0}
    run = {"sms": sms, "drive": drive}
    line = {"n": 5, "p50_ms": 2.0, "p99_ms": 4.0, "max_ms": 4.0, "statuses": {"200": 5},
            "position": 100}
    drain = {"booked": 100, "planned_per_s": 50.0, "sent_per_s": 40.0, "lost": 0,
             "statuses": {"201": 100}}
    return {"rates": [50.0, 200.0], "queue_rate": 50.0, "book_50": run, "book_200": run,
            "book_200_3_consumers": run, "drain_1": drain,
            "drain_3": {**drain, "planned_per_s": 125.0},
            "check_in": {"visible": sms, "drive": drive, "poll_s": 0.05},
            "call_next": run, "call_next_100": line, "call_next_1000": {**line, "p99_ms": 5.0},
            "position_100": line, "position_10000": {**line, "p99_ms": 8.0}}


def test_the_booking_target_holds_only_fast_with_none_lost_or_doubled() -> None:
    def holds(**kwargs: float) -> bool:
        rows = whole_table.rows(result(**kwargs))
        return next(r["holds"] for r in rows if "target" in r and "200/s" in r["latency_at"])

    assert holds(p99=120.0) is True
    assert holds(p99=150.0) is False
    assert holds(p99=120.0, lost=1) is False
    assert holds(p99=120.0, doubled=1) is False


def test_ratios_of_the_consumers_and_the_long_lines() -> None:
    rows = {r["path"]: r for r in whole_table.rows(result(p99=100.0))}
    consumers = next(r for p, r in rows.items() if p.startswith("notifications consumers"))
    assert consumers["ratio"] == 2.5
    calls = next(r for p, r in rows.items() if p.startswith("call-next in a line"))
    assert calls["ratio"] == 1.25 and calls["holds"] is True
    position = next(r for p, r in rows.items() if "position" in p)
    assert position["ratio"] == 2.0 and position["holds"] is False


def test_the_printed_table_names_every_row_and_says_which_targets_hold(capsys) -> None:
    rows = whole_table.rows(result(p99=180.0))
    whole_table.print_rows(rows, {"seconds": 60, "sender_interval_s": None})
    printed = capsys.readouterr().out
    for row in rows:
        assert row["path"] in printed
    assert "NOTIFICATIONS_SENDER_INTERVAL_SECONDS=default (1)" in printed
    booking = next(line for line in printed.splitlines() if "(200/s)" in line)
    assert booking.rstrip().endswith("NO")  # p99 180 ms: over the target


async def test_settling_waits_for_every_message_or_until_none_come() -> None:
    arrived = iter(range(100))
    await whole_load.settled(lambda: next(arrived), 5, stall=60, quiet=0)
    assert next(arrived) == 6  # it read until the fifth had come, and stopped there
    stuck = [0]

    def three() -> int:
        stuck[0] += 1
        return 3

    await whole_load.settled(three, 5, stall=0.2, cap=60, quiet=0)  # returns: no progress
    assert stuck[0] > 1  # it kept looking before it gave up


def test_a_line_row_answered_other_than_2xx_does_not_hold() -> None:
    refused = result(p99=100.0)
    refused["call_next_1000"] = {**refused["call_next_1000"], "statuses": {"401": 5}}
    calls = next(r for r in whole_table.rows(refused) if r["path"].startswith("call-next in"))
    assert calls["ratio"] == 1.25 and calls["holds"] is False
    assert calls["hms_non_2xx"] == {"401": 5}
