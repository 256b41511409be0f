"""What the HTTP benchmarks share: wrk with bench/wrk.lua, the booking bodies, the clinic's
slots, and the servers under test as OS processes (started, probed, measured, stopped)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import tempfile
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from hms_platform.testing.infra import free_port as free_port  # the servers' ports

BENCH = Path(__file__).resolve().parent
LUA = BENCH / "wrk.lua"
THREADS, CONNECTIONS, SECONDS, WARM_SECONDS = 2, 32, 10, 2
LOW_CONNECTIONS, LOW_SECONDS = 4, 5  # the low, fixed concurrency of the data-size rows
RATE_PLANNED = 3_000  # requests/s the bodies are sized for (HMS runs far below it)
CLINIC_TZ = "Africa/Nairobi"  # set for the services too (APPOINTMENTS_CLINIC_TIMEZONE)
SLOT_MINUTES, SLOTS_PER_DAY = 15, 95  # weekly hours 00:00-23:45
WEEKLY = [{"weekday": d, "start": "00:00", "end": "23:45"} for d in range(7)]
FIRST_DAY, LAST_DAY = 2, 85  # clinic days ahead of today that bookings use (horizon: 90)


def env(**extra: str) -> dict[str, str]:
    return {**os.environ, **extra}


@dataclass
class Load:
    """One wrk run: throughput, latency and every answer by status."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    statuses: dict[str, int]
    errors: dict[str, int]
    wrapped: int
    connections: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @property
    def non_2xx(self) -> dict[str, int]:
        return {s: n for s, n in self.statuses.items() if not s.startswith("2")}

    def as_dict(self) -> dict[str, Any]:
        return {"requests_per_s": self.rps, "p50_ms": self.p50_ms, "p99_ms": self.p99_ms,
                "requests": self.requests, "seconds": self.seconds,
                "connections": self.connections, "threads": THREADS,
                "statuses": self.statuses, "non_2xx": self.non_2xx,
                "socket_errors": self.errors, "bodies_wrapped": self.wrapped}


async def wrk(url: str, *, bodies: Path | None = None, auth: str | None = None,
              connections: int = CONNECTIONS, seconds: float = SECONDS) -> Load:
    """``wrk -t2 -c<connections> -d<seconds>s`` with bench/wrk.lua; POST when ``bodies``."""
    env = {**os.environ, "BENCH_METHOD": "POST" if bodies else "GET",
           "BENCH_BODIES": str(bodies or ""), "BENCH_AUTH": auth or "",
           "BENCH_THREADS": str(THREADS)}
    process = await asyncio.create_subprocess_exec(
        "wrk", f"-t{THREADS}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
        "-s", str(LUA), url, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        out, _ = await asyncio.wait_for(process.communicate(), seconds + 60)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    text = out.decode(errors="replace")
    line = next((x for x in text.splitlines() if x.startswith("BENCH_JSON ")), None)
    if process.returncode != 0 or line is None:
        raise RuntimeError(f"wrk {url} failed ({process.returncode}):\n{text[-2000:]}")
    data = json.loads(line.removeprefix("BENCH_JSON "))
    return Load(requests=data["requests"], seconds=data["duration_us"] / 1e6,
                p50_ms=data["p50_us"] / 1000, p99_ms=data["p99_us"] / 1000,
                statuses={str(k): v for k, v in sorted(data["statuses"].items())},
                errors={k: v for k, v in data["errors"].items() if v},
                wrapped=data["wrapped"], connections=connections)


def bodies_needed(seconds: float, rate: float = RATE_PLANNED) -> int:
    return int(seconds * rate)


def write_bodies(path: Path, bodies: Iterable[dict[str, Any]]) -> Path:
    with path.open("w") as file:
        for body in bodies:
            file.write(json.dumps(body, separators=(",", ":")) + "\n")
    return path


async def load_with_bodies(url: str, bodies: Iterator[dict[str, Any]], workdir: Path,
                           name: str, *, auth: str | None = None,
                           connections: int = CONNECTIONS, seconds: float = SECONDS,
                           warm: float = WARM_SECONDS) -> Load:
    """A short warm-up (its own bodies, not counted), then the measured run."""
    if warm:
        warm_file = write_bodies(workdir / f"{name}.warm.jsonl",
                                 _take(bodies, bodies_needed(warm)))
        await wrk(url, bodies=warm_file, auth=auth, connections=connections, seconds=warm)
    measured = write_bodies(workdir / f"{name}.jsonl", _take(bodies, bodies_needed(seconds)))
    return await wrk(url, bodies=measured, auth=auth, connections=connections, seconds=seconds)


async def load_get(url: str, *, auth: str | None = None, connections: int = CONNECTIONS,
                   seconds: float = SECONDS, warm: float = WARM_SECONDS) -> Load:
    if warm:
        await wrk(url, auth=auth, connections=connections, seconds=warm)
    return await wrk(url, auth=auth, connections=connections, seconds=seconds)


def _take(items: Iterator[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    taken = [item for _, item in zip(range(n), items, strict=False)]
    if len(taken) < n:
        raise RuntimeError(f"ran out of distinct bookings: wanted {n}, had {len(taken)}")
    return taken


def clinic_today() -> date:
    return datetime.now(ZoneInfo(CLINIC_TZ)).date()


def slot_start(day: date, slot: int) -> str:
    """The ``slot``-th 15-minute slot of ``day`` in clinic time, as ISO 8601 with offset."""
    local = datetime.combine(day, time(0), ZoneInfo(CLINIC_TZ))
    return (local + timedelta(minutes=SLOT_MINUTES * slot)).isoformat()


def slots(doctors: list[str], first_day: int = FIRST_DAY, last_day: int = LAST_DAY
          ) -> Iterator[tuple[int, str, int, str]]:
    """(doctor's index, doctor, slot of the day, start) of every slot ahead, each once: day by
    day, slot by slot, doctor by doctor, so that neighbouring requests name different doctors."""
    today = clinic_today()
    for offset in range(first_day, last_day + 1):
        day = today + timedelta(days=offset)
        for slot in range(SLOTS_PER_DAY):
            start = slot_start(day, slot)
            for index, doctor in enumerate(doctors):
                yield index, doctor, slot, start


@dataclass
class Servers:
    """The processes under test, each logging to its own file in ``workdir``."""

    workdir: Path
    running: dict[str, asyncio.subprocess.Process] = field(default_factory=dict)
    stop_signal: int = signal.SIGTERM

    async def start(self, name: str, args: list[str], env: dict[str, str]) -> None:
        log = (self.workdir / f"{name}.log").open("w")
        with log:
            self.running[name] = await asyncio.create_subprocess_exec(
                *args, env=env, stdout=log, stderr=asyncio.subprocess.STDOUT,
                start_new_session=True)

    def log_tail(self, name: str, chars: int = 2000) -> str:
        path = self.workdir / f"{name}.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""

    def check_alive(self) -> None:
        dead = {n: p.returncode for n, p in self.running.items() if p.returncode is not None}
        if dead:
            tails = "\n".join(f"--- {n} exited {rc}:\n{self.log_tail(n)}"
                              for n, rc in dead.items())
            raise RuntimeError(f"a server under test stopped:\n{tails}")

    async def wait_ready(self, url: str, timeout: float = 90) -> None:
        async with httpx.AsyncClient(timeout=5) as client, asyncio.timeout(timeout):
            while True:
                self.check_alive()
                with contextlib.suppress(httpx.TransportError):
                    if (await client.get(url)).status_code == 200:
                        return
                await asyncio.sleep(0.2)

    def rss_kib(self) -> dict[str, int]:
        """VmRSS of every running process, from /proc/<pid>/status."""
        sizes = {}
        for name, process in self.running.items():
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        sizes[name] = int(line.split()[1])
        return sizes

    def log_problems(self) -> dict[str, int]:
        """Lines at error level or worse, or with a traceback, in each process's log."""
        counts = {}
        for name in self.running:
            path = self.workdir / f"{name}.log"
            if not path.exists():
                continue
            lines = path.read_text(errors="replace").splitlines()
            bad = sum(1 for x in lines if any(
                m in x.lower() for m in ('"level": "error"', '"level":"error"',
                                         '"level": "critical"', "traceback", " error ")))
            if bad:
                counts[name] = bad
        return counts

    async def stop(self, timeout: float = 20) -> None:
        for process in self.running.values():
            if process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    process.send_signal(self.stop_signal)
        for process in self.running.values():
            try:
                await asyncio.wait_for(process.wait(), timeout)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()


@contextlib.asynccontextmanager
async def servers(label: str) -> AsyncIterator[Servers]:
    """Servers whose logs live in a temporary folder; stopped on the way out, whatever
    happened. A failure prints the tail of every log first."""
    workdir = Path(tempfile.mkdtemp(prefix=f"hms-bench-{label}-"))
    group = Servers(workdir)
    try:
        yield group
    except BaseException:
        for name in group.running:
            print(f"--- {label}/{name} log (tail):\n{group.log_tail(name)}", flush=True)
        raise
    finally:
        await group.stop()
        shutil.rmtree(workdir, ignore_errors=True)


TICK = os.sysconf("SC_CLK_TCK")
SHARED = ("beam.smp", "epmd", "postgres: 15/main: checkpointer", "walwriter", "background writer",
          "autovacuum", "logical replication", "io worker")


def _processes() -> dict[int, tuple[int, float, str]]:
    """pid -> (parent, CPU seconds so far, command line) of every process we may read."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(
                errors="replace")
            table[int(entry.name)] = (int(fields[1]),
                                      (int(fields[11]) + int(fields[12])) / TICK, cmdline)
    return table


@dataclass
class ForeignCpu:
    """CPU that processes other than the bench's own used while a part ran: anything else on
    the machine (a test suite, an editor) competes for the same cores and lowers every number.
    The bench's own: its descendants, Postgres backends of hms_bench_* databases and of its
    embedded data folders; RabbitMQ and Postgres's background workers count for neither."""

    started: dict[int, tuple[int, float, str]] = field(default_factory=_processes)

    def cores(self, seconds: float) -> tuple[float, list[str]]:
        now = _processes()
        mine = {os.getpid()}
        for _ in range(10):  # descendants, however deep
            mine |= {pid for pid, (parent, _, _) in now.items() if parent in mine}
        used: dict[str, float] = {}
        for pid, (_, cpu, cmdline) in now.items():
            ours = pid in mine or "hms_bench_" in cmdline or "hms-bench-" in cmdline
            if ours or not cmdline or any(s in cmdline for s in SHARED):
                continue
            delta = cpu - (self.started.get(pid, (0, 0.0, ""))[1])
            if delta > 0:
                used[cmdline[:80]] = used.get(cmdline[:80], 0.0) + delta
        busiest = [c for c in sorted(used, key=lambda c: -used[c])[:3] if used[c] >= 0.5]
        return sum(used.values()) / seconds, [f"{used[c]:.0f}s {c}" for c in busiest]
