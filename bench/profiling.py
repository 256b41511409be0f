"""Profiles of a process under load, taken only when asked: ``BENCH_PROFILE=1 make bench``.

py-spy (sampling, from PyPI through ``uv tool run``, so nothing is added to the project's
lock) records the process for the length of one load. The collapsed stacks go to
``bench/results/profile-<name>.txt``, and a summary (the share of busy samples by package and
by function, counted at the innermost frame that belongs to a known package) is printed and
returned for ``latest.json``. It needs ptrace rights on the process (root, or
``kernel.yama.ptrace_scope=0``).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
ENABLED = os.environ.get("BENCH_PROFILE", "") not in ("", "0")
RATE = 200  # samples per second
UV = shutil.which("uv") or str(Path(__file__).resolve().parent.parent / ".tools" / "bin" / "uv")
PY_SPY = [UV, "tool", "run", "--quiet", "py-spy"]
FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*?)(?::\d+)?\)$")
PACKAGES = ("sqlalchemy", "asyncpg", "fastapi", "starlette", "pydantic_core", "pydantic",
            "uvicorn", "structlog", "joserfc", "cryptography", "aio_pika", "aiormq", "pamqp",
            "httptools", "uvloop", "hms_platform", "hms_appointments", "hms_auth",
            "hms_contracts", "asyncio", "json", "logging", "uuid", "zoneinfo", "datetime")
summaries: dict[str, dict[str, Any]] = {}


async def prepare() -> None:
    """Fetch py-spy once, before any load, so the first profile starts on time."""
    if ENABLED:
        proc = await asyncio.create_subprocess_exec(*PY_SPY, "--version")
        await proc.wait()


@contextlib.asynccontextmanager
async def profiled(name: str, pid: int, seconds: float) -> AsyncIterator[None]:
    """Record ``pid`` while the block runs (at most ``seconds``); a no-op unless enabled."""
    if not ENABLED:
        yield
        return
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"profile-{name}.txt"
    proc = await asyncio.create_subprocess_exec(
        *PY_SPY, "record", "--pid", str(pid), "--duration", str(int(seconds)),
        "--rate", str(RATE), "--format", "raw", "--nonblocking", "--output", str(out),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    started = time.perf_counter()
    try:
        yield
    finally:
        elapsed = min(seconds, time.perf_counter() - started)
        if proc.returncode is None:  # the block ended first: py-spy writes out on SIGINT
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(proc.wait(), 30)
        except TimeoutError:
            proc.kill()
            await proc.wait()
    if out.exists():
        summaries[name] = summary(out, elapsed)
        print_summary(name, summaries[name])


def _owner(file: str) -> str | None:
    parts = re.split(r"[/\\]", file)
    for part in reversed(parts[:-1]):
        if part in PACKAGES:
            return part
    stem = parts[-1].removesuffix(".py")
    return stem if stem in PACKAGES else None


def summary(path: Path, seconds: float, top: int = 15) -> dict[str, Any]:
    by_package: Counter[str] = Counter()
    by_function: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = [m for f in stack.split(";") if (m := FRAME.match(f))]
        owned = [(m, _owner(m["file"])) for m in frames]
        leaf = next(((m, o) for m, o in reversed(owned) if o), None)
        if leaf is None:
            by_package["(other)"] += n
            continue
        frame, owner = leaf
        by_package[owner] += n
        by_function[f"{frame['func']} ({frame['file'].rsplit('site-packages/', 1)[-1]})"] += n
    share = (lambda n: round(100 * n / total, 1)) if total else (lambda n: 0.0)
    return {
        "samples": total,
        "busy_share_of_one_core": round(total / (RATE * seconds), 2),
        "self_percent_by_package": {k: share(v) for k, v in by_package.most_common(top)},
        "self_percent_by_function": {k: share(v) for k, v in by_function.most_common(top)},
    }


def print_summary(name: str, s: dict[str, Any]) -> None:
    print(f"\n  profile {name}: {s['samples']} samples, busy {s['busy_share_of_one_core']} "
          "of one core; self % at the innermost known package", flush=True)
    print("    " + ", ".join(f"{k} {v}" for k, v in s["self_percent_by_package"].items()))
    for func, pct in list(s["self_percent_by_function"].items())[:10]:
        print(f"    {pct:5.1f}  {func}")
