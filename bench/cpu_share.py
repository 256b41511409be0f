"""Where the cores go during a load: CPU seconds of each process under test, of the Postgres
backends serving it, of RabbitMQ, of the gateway and of the load generator, over one load, per
request answered (the CPU per second over the rate answered, so a warm-up at the same rate
counts alike). A rate fits on a machine only while the sum per request times the rate stays
under its cores; the buckets say which process spends the most.

    share = CpuShare.start(group, database="hms_bench_...")
    ... the load ...
    share.per_request(rate)  # {"cores": n, "total_ms": ms, "by_process_ms": {name: ms}}
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from load import Servers, _processes

# Buckets for what is not one of the group's processes, by command line.
OTHERS = (("rabbitmq", ("beam.smp",)), ("gateway", ("haproxy",)), ("wrk", ("wrk ",)))


@dataclass
class CpuShare:
    group: Servers
    database: str  # the bench's database (or its prefix): its Postgres backends are counted
    before: dict[int, tuple[int, float, str]] = field(default_factory=dict)
    started: float = 0.0

    @classmethod
    def start(cls, group: Servers, database: str) -> CpuShare:
        return cls(group, database, _processes(), os.times().elapsed)

    def _buckets(self, table: dict[int, tuple[int, float, str]]) -> dict[int, str]:
        names = {p.pid: name for name, p in self.group.running.items() if p.pid in table}
        for _ in range(5):  # a process's children count as the process (uvicorn's workers)
            names |= {pid: names[parent] for pid, (parent, _, _) in table.items()
                      if parent in names and pid not in names}
        me = os.getpid()
        for pid, (_, _, cmdline) in table.items():
            if pid in names:
                continue
            if pid == me:
                names[pid] = "bench (load and provider)"
            elif cmdline.startswith("postgres:") and self.database in cmdline:
                names[pid] = "postgres backends"
            elif cmdline.startswith("postgres"):
                names[pid] = "postgres (background)"
            else:
                for bucket, marks in OTHERS:
                    if any(m in cmdline for m in marks):
                        names[pid] = bucket
        return names

    def per_answer(self, answered: int) -> dict[str, Any]:
        """The same, for ``answered`` requests over the whole time since the start (a load
        and the wait for its last effects, e.g. its last SMS)."""
        seconds = os.times().elapsed - self.started
        return self.per_request(answered / seconds if seconds > 0 else 0.0)

    def per_request(self, rate: float) -> dict[str, Any]:
        """CPU ms per answered request (``rate``: answered per second) by bucket, and the cores
        used in all. A process that ended during the load is missed (a Postgres backend of a
        closed connection): the pools here keep theirs."""
        now = _processes()
        seconds = os.times().elapsed - self.started
        used: dict[str, float] = {}
        for pid, bucket in self._buckets(now).items():
            delta = now[pid][1] - self.before.get(pid, (0, 0.0, ""))[1]
            if delta > 0:
                used[bucket] = used.get(bucket, 0.0) + delta
        if seconds <= 0 or rate <= 0:
            return {"cores": None, "total_ms": None, "by_process_ms": {}}
        ms = {k: round(1000 * v / seconds / rate, 3)
              for k, v in sorted(used.items(), key=lambda kv: -kv[1])}
        return {"cores": round(sum(used.values()) / seconds, 2),
                "total_ms": round(sum(ms.values()), 3), "by_process_ms": ms}


def collected(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every part's CPU shares, labelled as the table prints them."""
    base, dep, system = (results.get(p) or {} for p in ("baseline", "deployed", "system"))
    per_pass = dep.get("relay_rows_per_pass")
    found = {
        "deployed: book" + (f" (relay: {per_pass:.1f} rows a pass)" if per_pass else ""):
            dep.get("book_cpu"),
        "same work: book (bench/same_work.py)": base.get("same_work_book_cpu"),
        "deployed: list": dep.get("list_cpu"),
        "same work: list (bench/same_work.py)": base.get("same_work_list_cpu"),
    }
    for key, run in system.items():
        if key.startswith("book_") and isinstance(run, dict) and run.get("cpu"):
            found[f"system: booking -> SMS, {key[5:].replace('_', ' ')}/s"] = run["cpu"]
    found = {label: share for label, share in found.items() if share and share.get("cores")}
    if system.get("idle_cpu"):
        found["system: idle (ms of CPU per second)"] = system["idle_cpu"]
    return found


def print_shares(shares: dict[str, dict[str, Any]]) -> None:
    if not shares:
        return
    print("\n  CPU per request during the load, ms (cores busy in all), by process")
    for label, share in shares.items():
        parts = ", ".join(f"{name} {ms:.2f}" for name, ms in share["by_process_ms"].items()
                          if ms >= 0.01)
        print(f"    {label}: {share['total_ms']:.2f} ({share['cores']:.2f} cores): {parts}")
    system = [s for label, s in shares.items() if label.startswith("system: booking")]
    if system:
        least = min(s["total_ms"] for s in system)
        print(f"    the whole system's least CPU per booking, {least:.1f} ms, is "
              f"{least * 200 / 1000:.1f} cores at 200 bookings/s and "
              f"{least * 50 / 1000:.1f} at 50/s (this machine: {os.cpu_count()})")
