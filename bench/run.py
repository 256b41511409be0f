"""make bench: every benchmark against its bare baseline, started in the same run; one table,
and everything in bench/results/latest.json (plus bench/results/<part>.json).

    python bench/run.py                      # all parts: events baseline deployed embedded system
    python bench/run.py baseline deployed    # some parts (deployed/embedded bring baseline)
    python bench/run.py system --quick       # the whole-system rows, a few seconds per rate
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import asdict, is_dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import baseline
import cpu_share
import deployed
import embedded
import event_pipeline
import load
import profiling
import whole_rows
import whole_table

from hms_platform import runtime
from hms_platform.logging import configure_logging
from hms_platform.testing.infra import postgres_server, rabbitmq_server
from hms_platform.testing.ports import started_on_free_ports

RESULTS = Path(__file__).parent / "results"
ROOT = Path(__file__).resolve().parent.parent
PARTS = ("events", "baseline", "deployed", "embedded", "system")
PACKAGES = ("fastapi", "uvicorn", "starlette", "pydantic", "sqlalchemy", "asyncpg", "aio-pika")


def machine() -> dict[str, Any]:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout

    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout \
        if shutil.which("wrk") else ""  # the system part needs no wrk
    return {"cpu_count": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform(), "packages": {p: version(p) for p in PACKAGES},
            "wrk": wrk.splitlines()[0] if wrk else None,
            "git_commit": git("rev-parse", "HEAD").strip(),
            # Uncommitted changes to the code measured (another branch of work in progress).
            "git_dirty": sorted(line[3:] for line in git("status", "--porcelain").splitlines()
                                if not line[3:].startswith("bench/")),
            "at": datetime.now(UTC).isoformat(timespec="seconds")}


def plain(value: Any) -> Any:
    if isinstance(value, load.Load):
        return value.as_dict()
    if is_dataclass(value) and not isinstance(value, type):
        return plain(asdict(value))
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def compare(group: str, path: str, hms: load.Load, ref: load.Load, ref_name: str
            ) -> dict[str, Any]:
    return {"group": group, "path": path, "unit": "req/s", "hms": hms.rps, "reference": ref.rps,
            "reference_is": ref_name, "ratio": hms.rps / ref.rps,
            "hms_p50_ms": hms.p50_ms, "hms_p99_ms": hms.p99_ms,
            "ref_p50_ms": ref.p50_ms, "ref_p99_ms": ref.p99_ms,
            "hms_non_2xx": hms.non_2xx, "ref_non_2xx": ref.non_2xx,
            "connections": hms.connections, "hms_requests": hms.requests,
            "ref_requests": ref.requests}


def event_rows(measures: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """bench/event_pipeline.py's rows (its own order) as two comparison rows: against the bare
    round trip through a durable quorum queue (what HMS's consumers use), and through a
    transient classic queue (the reference of earlier runs)."""
    v = [m["value"] for m in measures]
    assert measures[0]["measure"].startswith("baseline") and measures[1]["measure"].startswith(
        "pipeline") and "durable" in measures[7]["measure"], [m["measure"] for m in measures]
    row = {"group": "events", "unit": "events/s", "hms": v[1], "hms_p50_ms": v[5],
           "hms_p99_ms": v[6], "latency_at": f"{event_pipeline.RATE}/s", "hms_non_2xx": {},
           "ref_non_2xx": {}}
    return [
        {**row, "path": "outbox -> relay -> RabbitMQ -> inbox (one process)",
         "reference": v[7], "ratio": v[8], "ref_p50_ms": v[9], "ref_p99_ms": v[10],
         "reference_is": "bare aio-pika publish (confirms) -> durable quorum queue -> ack"},
        {**row, "path": "the same, against a transient classic queue",
         "reference": v[0], "ratio": v[2], "ref_p50_ms": v[3], "ref_p99_ms": v[4],
         "reference_is": "bare aio-pika publish (confirms) -> transient classic queue -> ack"},
    ]


def http_rows(base: dict[str, Any], dep: dict[str, Any] | None, emb: dict[str, Any] | None
              ) -> list[dict[str, Any]]:
    rows = []
    if dep:
        rows.append(compare("deployed", "book: POST /api/appointments (staff)", dep["book"],
                            base["insert"], "baseline POST /insert"))
        rows.append(compare("deployed", "list: GET /api/appointments?doctor_id&limit=20",
                            dep["list"], base["select"], "baseline GET /select"))
        rows.append(compare("deployed", "book vs the same work", dep["book"],
                            base["same_work_book"], "bench/same_work.py POST /book"))
        rows.append(compare("deployed", "list vs the same work", dep["list"],
                            base["same_work_list"], "bench/same_work.py GET /list"))
        small, large = dep["book_low_small"], dep["book_low_large"]
        rows.append({
            "group": "deployed",
            "path": f"book p50, {load.LOW_CONNECTIONS} in flight: "
                    f"{dep['appointments_before_low_large']:,} vs "
                    f"{dep['appointments_before_low_small']:,} appointments",
            "unit": "ms", "hms": large.p50_ms, "reference": small.p50_ms,
            "reference_is": "the same with ~1k appointments", "ratio": large.p50_ms / small.p50_ms,
            "hms_p50_ms": large.p50_ms, "hms_p99_ms": large.p99_ms,
            "ref_p50_ms": small.p50_ms, "ref_p99_ms": small.p99_ms,
            "hms_non_2xx": large.non_2xx, "ref_non_2xx": small.non_2xx,
            "connections": load.LOW_CONNECTIONS, "hms_rps": large.rps, "ref_rps": small.rps})
    if emb:
        rows.append(compare("embedded", "book: POST /api/appointments (staff, override)",
                            emb["book"], base["insert"], "baseline POST /insert"))
    return rows


def fmt(x: float | None, unit: str = "") -> str:
    if x is None:
        return "-"
    if unit == "ratio" or abs(x) < 10:
        return f"{x:,.2f}"
    return f"{x:,.0f}"


def codes(counted: dict[str, int]) -> str:
    return " ".join(f"{k}:{v}" for k, v in counted.items()) or "0"


def print_table(rows: list[dict[str, Any]], rss: dict[str, dict[str, int]], meta: dict[str, Any]
                ) -> None:
    dirty = " (+uncommitted changes)" if meta["git_dirty"] else ""
    print(f"\nmake bench  {meta['cpu_count']} cores  Python {meta['python']}  "
          f"commit {meta['git_commit'][:10]}{dirty}"
          f"  wrk -t{load.THREADS}, {load.SECONDS}s runs after a {load.WARM_SECONDS}s warm-up")
    head = ("path", "HMS", "reference", "ratio", "unit", "HMS p50/p99 ms", "ref p50/p99 ms",
            "non-2xx HMS | ref")
    table = [head]
    system_rows = [r for r in rows if r["group"] == "system"]
    rows = [r for r in rows if r["group"] != "system"]
    for r in rows:
        table.append((
            f"{r['group']}: {r['path']}" + (f" [c={r['connections']}]" if "connections" in r
                                            else f" [{r.get('latency_at', '')}]"),
            fmt(r["hms"]), fmt(r["reference"]), fmt(r["ratio"], "ratio"), r["unit"],
            f"{r['hms_p50_ms']:.1f} / {r['hms_p99_ms']:.1f}",
            f"{r['ref_p50_ms']:.1f} / {r['ref_p99_ms']:.1f}",
            f"{codes(r['hms_non_2xx'])} | {codes(r['ref_non_2xx'])}"))
    widths = [max(len(str(line[i])) for line in table) for i in range(len(head))]
    for n, line in enumerate(table if rows else []):
        print("  " + "  ".join(str(c).ljust(w) if i in (0, 4, 7) else str(c).rjust(w)
                               for i, (c, w) in enumerate(zip(line, widths, strict=True))))
        if n == 0:
            print("  " + "  ".join("-" * w for w in widths))
    for r in rows:
        print(f"    {r['group']}: {r['path']}: reference = {r['reference_is']}")
    if system_rows:
        whole_table.print_rows(system_rows, meta["system"])
    if rss:
        print("\n  resident memory (VmRSS) after the load")
        for group, sizes in rss.items():
            for name, kib in sizes.items():
                print(f"    {group + ': ' + name:<40} {kib / 1024:8.1f} MiB")


async def run(parts: list[str], system: dict[str, Any]) -> dict[str, Any]:
    # SIGTERM (a CI timeout, `kill`) cleans up as Ctrl-C does: the run is cancelled and every
    # part's servers, databases and broker objects go on the way out.
    main_task = asyncio.current_task()
    assert main_task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, main_task.cancel)
    results: dict[str, Any] = {}
    await profiling.prepare()
    with postgres_server() as pg_url, rabbitmq_server() as amqp_url:
        if "events" in parts:
            results["events"] = await timed(event_pipeline.run())
        # These parts pick their servers' ports before the servers bind them; on a busy
        # machine another process may take one in between, and then the part runs again.
        if "baseline" in parts:
            results["baseline"] = await timed(started_on_free_ports(
                lambda: baseline.run(pg_url)))
        if "deployed" in parts:
            results["deployed"] = await timed(started_on_free_ports(
                lambda: deployed.run(pg_url, amqp_url)))
        if "embedded" in parts:
            results["embedded"] = await timed(started_on_free_ports(embedded.run))
        if "system" in parts:
            results["system"] = await timed(started_on_free_ports(
                lambda: whole_rows.run(pg_url, amqp_url, **system)))
    return results


async def timed(work: Any) -> Any:
    """The part's result, its duration and the CPU other processes took meanwhile."""
    started, foreign = time.perf_counter(), load.ForeignCpu()
    out = await work
    if not isinstance(out, dict):
        out = {"rows": out}
    seconds = time.perf_counter() - started
    cores, busiest = foreign.cores(seconds)
    out.update(seconds=seconds, foreign_cpu_cores=cores, foreign_cpu_busiest=busiest)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("parts", nargs="*", metavar="part", help=f"any of {', '.join(PARTS)}")
    parser.add_argument("--seconds", type=float, default=60,
                        help="system: seconds of load at each steady rate (60)")
    parser.add_argument("--quick", action="store_true",
                        help="system: 5 s per rate (a smoke test; its numbers mean little)")
    parser.add_argument("--sender-interval", type=float, default=None,
                        help="system: NOTIFICATIONS_SENDER_INTERVAL_SECONDS (default: the "
                             "service's own, 1 s)")
    options = parser.parse_args()
    parts = options.parts or list(PARTS)
    system = {"seconds": 5.0 if options.quick else options.seconds, "rates": (50.0, 200.0),
              "queue_rate": 50.0, "sender_interval": options.sender_interval}
    if unknown := set(parts) - set(PARTS):
        parser.error(f"unknown part(s) {sorted(unknown)}: choose from {', '.join(PARTS)}")
    if {"deployed", "embedded"} & set(parts) and "baseline" not in parts:
        parts.append("baseline")  # their ratios need it
    parts = [p for p in PARTS if p in parts]
    RESULTS.mkdir(exist_ok=True)
    configure_logging(json=True, level="WARNING")  # measure the pipeline, not a console
    meta = machine()
    meta["system"] = {**system, "sender_interval_s": system["sender_interval"]}
    started = time.perf_counter()
    # uvloop, as every HMS process runs (hms_platform.runtime.run); the baselines get it too
    results = runtime.run(run(parts, system))
    meta["seconds"] = time.perf_counter() - started

    rows: list[dict[str, Any]] = []
    if "events" in results:
        rows += event_rows(results["events"]["rows"])
    if "baseline" in results:
        rows += http_rows(results["baseline"], results.get("deployed"), results.get("embedded"))
    if "system" in results:
        rows += whole_table.rows(results["system"])
    rss = {g: results[g]["rss_kib"] for g in ("deployed", "embedded", "baseline", "system")
           if g in results}
    everything = {"machine": meta, "parts": parts, "rows": rows, "rss_kib": rss,
                  "log_problems": {g: results[g].get("log_problems") for g in rss},
                  "cpu_per_request": cpu_share.collected(plain(results)),
                  "runs": plain(results), "profiles": profiling.summaries}
    (RESULTS / "latest.json").write_text(json.dumps(everything, indent=2))
    for part, result in results.items():
        (RESULTS / f"{'event_pipeline' if part == 'events' else part}.json").write_text(
            json.dumps({"machine": meta, "result": plain(result)}, indent=2))
    print_table(rows, rss, meta)
    cpu_share.print_shares(cpu_share.collected(results))
    print(f"\n  other processes' CPU during each part (of {meta['cpu_count']} cores): "
          + ", ".join(f"{p} {r['foreign_cpu_cores']:.2f}" for p, r in results.items()))
    for part, r in results.items():
        if r["foreign_cpu_cores"] > 0.1:
            print(f"    {part}: the machine was shared, its numbers are low: "
                  + "; ".join(r["foreign_cpu_busiest"]))
    problems = {g: p for g, p in everything["log_problems"].items() if p}
    if problems:
        print(f"\n  error lines in the servers' logs: {problems}")
    print(f"\n  {meta['seconds']:.0f} s; everything in {RESULTS / 'latest.json'}")


if __name__ == "__main__":
    main()
