"""The suite's world: private Postgres and RabbitMQ, the recording Twilio, the system on them,
the clinic and the load; everything stopped at the end, on failure too. Then ``run``: each
fault in turn under the load, the readiness and consumers after it, the counts once settled."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from hms_platform.testing import twilio
from hms_platform.testing.clock import early_morning_zone
from hms_platform.testing.modules import load_beside

servers = load_beside(__file__, "servers.py", "hms_faults_servers")
rabbitmq = load_beside(__file__, "rabbitmq.py", "hms_faults_rabbitmq")
system = load_beside(__file__, "system.py", "hms_faults_system")
clinic = load_beside(__file__, "clinic.py", "hms_faults_clinic")
load = load_beside(__file__, "load.py", "hms_faults_load")
counts = load_beside(__file__, "counts.py", "hms_faults_counts")
faults = load_beside(__file__, "faults.py", "hms_faults_faults")

RECOVERY = 10.0  # every /readyz green and every queue consumed within this after a fault


@dataclass(frozen=True)
class Form:
    name: str
    nodes: int
    faults: list[tuple[str, Any]]
    warm: float  # seconds of load before each fault
    after: float  # and after it, before the counts
    patients: int = 16  # x 8 doctors: the bookings of today reception can check in
    rates: dict[str, float] = field(default_factory=lambda: {
        "bookings": 5.0, "check_ins": 2.0, "calls": 1.5})


SHORT = Form("short", 1, faults.SHORT, warm=3, after=2)
FULL = Form("full", 3, faults.FULL, warm=8, after=5, patients=24,
            rates={"bookings": 5.0, "check_ins": 1.0, "calls": 1.0})


def chosen() -> Form:
    """``HMS_FAULTS=full`` (make faults): every fault on a three-node cluster; other words,
    comma-separated: the faults whose names hold one of them (``HMS_FAULTS=postgres,relay``),
    on three nodes too."""
    wanted = os.environ.get("HMS_FAULTS", "").strip()
    if wanted in ("", "short"):
        return SHORT
    if wanted == "full":
        return FULL
    words = [w.strip() for w in wanted.split(",") if w.strip()]
    some = [(n, f) for n, f in faults.FULL + faults.KNOWN if any(w in n for w in words)]
    assert some, f"HMS_FAULTS={wanted}: no fault's name holds any of {words}"
    return Form("some", 3, some, warm=FULL.warm, after=FULL.after, patients=FULL.patients,
                rates=FULL.rates)


@dataclass
class World:
    form: Form
    postgres: Any
    rabbit: Any
    twilio: Any
    system: Any
    client: httpx.AsyncClient
    clinic: Any = None
    load: Any = None
    duplicated: int = 0
    started: float = 0.0  # the event loop's time when the system was ready
    notes: dict[str, Any] = field(default_factory=dict)  # what a fault saw, into its row
    rows: list[dict[str, Any]] = field(default_factory=list)

    async def measure(self) -> dict[str, Any]:
        return await counts.count(self.system.admin_url, self.rabbit.urls, self.load.ledger,
                                  self.clinic.phones, self.twilio)


@contextlib.asynccontextmanager
async def world(form: Form) -> AsyncIterator[World]:
    postgres, rabbit, provider = servers.Postgres(), rabbitmq.Rabbit(form.nodes), None
    root = Path(tempfile.mkdtemp(prefix="hms-faults-logs-"))
    running, failed = None, True
    try:
        await asyncio.gather(postgres.init(), rabbit.start())
        provider = twilio.RecordingTwilio()
        await provider.start()
        zone = early_morning_zone()
        running = system.System(postgres.port, ",".join(rabbit.urls), provider.url, root, zone)
        await running.prepare()
        await running.start()
        async with httpx.AsyncClient(base_url=running.gateway, timeout=30) as client:
            here = World(form, postgres, rabbit, provider, running, client,
                         started=asyncio.get_running_loop().time())
            here.clinic = await clinic.open_clinic(
                client, running.admin_password, ZoneInfo(zone), running.admin_url,
                doctors=8, patients=form.patients)
            try:
                yield here
            finally:  # the writes in flight end before the client closes
                if here.load is not None:
                    await here.load.pause(cancel=True)
        failed = False
    finally:
        if running is not None:
            await running.stop()
        if provider is not None:
            await provider.stop()
        await rabbit.destroy()
        await postgres.destroy()
        LEFT_RUNNING.extend(_leftovers(postgres.root, rabbit.root, running))
        if failed:
            print(f"fault suite: every process's log is in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


# Processes the suite started and found still running at the end (then SIGKILLed): none.
LEFT_RUNNING: list[str] = []


def _leftovers(pg_root: Path, mq_root: Path, running: Any) -> list[str]:
    found = [f"{root.name}: {pid}" for root in (pg_root, mq_root)
             for pid in servers.leftover(root)]
    found += [name for name, proc in (running.procs if running else {}).items() if proc.running]
    for root in (pg_root, mq_root):
        for pid in servers.leftover(root):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    return found


async def consumed(world: World, timeout: float) -> float:
    """Seconds until every consuming queue has a consumer again."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with asyncio.timeout(timeout):
        while True:
            queues = await counts.broker_queues(world.rabbit.urls)
            if queues and all(consumers for consumers, _ in queues.values()):
                return loop.time() - started
            await asyncio.sleep(0.2)


async def run(world: World, report: Any = print) -> list[dict[str, Any]]:
    """Each fault in turn; ``report(row)`` as each one's counts are in."""
    form = world.form
    for name, fault in form.faults:
        world.load = world.load or load.Load(world.client, world.clinic, **form.rates)
        world.load.start()
        await asyncio.sleep(form.warm)
        world.notes = {}
        await fault(world)
        ended = datetime.now(UTC).isoformat(timespec="milliseconds")  # to find it in the logs
        ended_at = asyncio.get_running_loop().time()
        row: dict[str, Any] = {"fault": name, "ended_at": ended, **world.notes}
        try:
            row["ready_s"] = round(await world.system.ready(timeout=RECOVERY), 1)
        except TimeoutError as error:
            row["ready_s"], row["not_ready"] = None, str(error)[:2000]
        row.update({f"{n} started again after s": round(t - ended_at, 1)
                    for n, t in world.system.restarted.items() if t > ended_at - 1})
        try:
            row["consuming_s"] = round(await consumed(world, RECOVERY), 1)
        except TimeoutError:
            row["consuming_s"] = None
        await asyncio.sleep(form.after)
        await world.load.pause()
        row.update(await counts.settle(60, world.measure))
        row["restarts"] = sum(p.restarts for p in world.system.procs.values())
        row["duplicated"] = world.duplicated
        row["provider_hung_up"] = world.twilio.hung_up  # requests a killed sender left
        row["at_s"] = round(asyncio.get_running_loop().time() - world.started, 1)
        world.rows.append(row)
        report(row)
    return world.rows
