"""The system as ``make dev`` runs it (hms_embedded.dev's shape), on the suite's private
servers: every process of the system manifest its own OS process (each service as its own
database role), a second appointments API, and the HAProxy gateway in front. Processes the
suite kills are started again by it, as compose's ``restart: unless-stopped`` would; one that
exits on its own is started again too, and counted."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import secrets
import signal
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from hms_platform.messaging.rabbit import declare_definitions
from hms_platform.provision import provision_service
from hms_platform.testing import twilio
from hms_platform.testing.infra import free_port
from hms_platform.testing.modules import load_beside
from hms_system.manifest import SYSTEM
from hms_system.topology import render

procs = load_beside(__file__, "procs.py", "hms_faults_procs")
Proc = procs.Proc
BIN = Path(sys.executable).parent
NAMES = sorted(SYSTEM.names)
REPLICATED = "appointments"  # the API that runs twice behind the gateway
GATEWAY_CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "haproxy" / "haproxy.cfg"


@dataclass
class System:
    postgres_port: int
    amqp_url: str  # one node, or a cluster's nodes comma-separated
    twilio_url: str
    root: Path
    timezone: str
    database: str = "hms"
    admin_password: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    passwords: dict[str, str] = field(
        default_factory=lambda: {n: secrets.token_urlsafe(12) for n in NAMES})
    ports: dict[str, int] = field(default_factory=lambda: {n: free_port() for n in NAMES})
    second_api_port: int = field(default_factory=free_port)
    gateway_port: int = field(default_factory=free_port)
    procs: dict[str, Any] = field(default_factory=dict)
    _watch: asyncio.Task[None] | None = None
    restarted: dict[str, float] = field(default_factory=dict)  # name -> loop time

    @property
    def gateway(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}"

    def role_url(self, name: str) -> str:
        return (f"postgresql://hms_{name}:{self.passwords[name]}@127.0.0.1:{self.postgres_port}"
                f"/{self.database}")

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.postgres_port}/{self.database}"

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        jwks = f"http://127.0.0.1:{self.ports['auth']}/api/auth/.well-known/jwks.json"
        for name in NAMES:
            p = name.upper()
            env.update({
                f"{p}_ENVIRONMENT": "test",
                f"{p}_DATABASE_URL": "postgresql+asyncpg" + self.role_url(name)[10:],
                f"{p}_AMQP_URL": self.amqp_url, f"{p}_AMQP_PREFIX": "",
                f"{p}_JWKS_URL": jwks, f"{p}_TRUSTED_PROXIES": "127.0.0.1",
                f"{p}_LOG_JSON": "false", f"{p}_HEALTH_PORT": "0",
                f"HMS_{p}_ADDR": f"127.0.0.1:{self.ports[name]}",
            })
        key = base64.b64encode(secrets.token_bytes(32)).decode()
        env.update({
            "HMS_ADMIN_USERNAME": "admin", "HMS_ADMIN_PASSWORD": self.admin_password,
            "AUTH_KEY_ENCRYPTION_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
            "HMS_CODE_ENCRYPTION_KEY": key, "QUEUE_DISPLAY_SECRET": secrets.token_urlsafe(32),
            "AUTH_HOST": "127.0.0.1", "AUTH_PORT": str(self.ports["auth"]),
            "HMS_CLINIC_TIMEZONE": self.timezone,
            "SYNC_API_URL": self.gateway,
            # the load's patients: many bookings each, registered from one address
            "APPOINTMENTS_MAX_ACTIVE_BOOKINGS": "100",
            "AUTH_THROTTLE_REGISTRATIONS_PER_ADDRESS": "1000",
            "AUTH_ARGON2_TIME_COST": "1", "AUTH_ARGON2_MEMORY_COST": "1024",
            "NOTIFICATIONS_MAX_PER_RECIPIENT_HOUR": "1000",
            **twilio.settings(self.twilio_url),
            "NOTIFICATIONS_SENDER_INTERVAL_SECONDS": "0.2",
            # a claim left by a killed sender is taken again after this (default 60 s)
            "NOTIFICATIONS_LEASE_SECONDS": "8", "NOTIFICATIONS_TWILIO_TIMEOUT": "4",
            "HMS_GATEWAY_BIND": f"127.0.0.1:{self.gateway_port}",
            f"HMS_{REPLICATED.upper()}_ADDR_2": f"127.0.0.1:{self.second_api_port}",
            "HMS_SIGNIN_PER_MINUTE": "100000", "HMS_API_TIMEOUT": "20s",
        })
        env.pop("NOTIFICATIONS_CONSOLE_CHANNEL", None)
        return env

    async def prepare(self) -> None:
        """The database, each service's role and schema, migrations (each as its own role,
        all at once) and RabbitMQ's topology up front, as make dev does."""
        admin = await asyncpg.connect(self.admin_url.rsplit("/", 1)[0] + "/postgres")
        try:
            await admin.execute(f'CREATE DATABASE "{self.database}"')
        finally:
            await admin.close()
        conn = await asyncpg.connect(self.admin_url)
        try:
            for name in NAMES:
                await provision_service(conn, schema=name, role=f"hms_{name}",
                                        password=self.passwords[name])
        finally:
            await conn.close()
        env = self.environment()

        async def migrate(name: str) -> None:
            log = self.root / f"{name}-migrate.log"
            proc = await asyncio.create_subprocess_exec(
                str(BIN / SYSTEM.service(name).cli), "migrate", env=env,
                stdout=log.open("w"), stderr=asyncio.subprocess.STDOUT)
            assert await proc.wait() == 0, log.read_text()[-2000:]

        await asyncio.gather(*(migrate(name) for name in NAMES))
        await declare_definitions(self.amqp_url, render(""))

    def plan(self) -> dict[str, Any]:
        env = self.environment()
        procs: dict[str, Any] = {}
        for service in SYSTEM.services:
            for process in service.processes:
                name = service.process_name(process)
                args = [str(BIN / service.cli), process.kind]
                own = dict(env)
                if process.kind == "api":
                    port = self.ports[service.name]
                    args += ["--host", "127.0.0.1", "--port", str(port)]
                    health = f"http://127.0.0.1:{port}/api/{service.name}/readyz"
                else:
                    port = free_port()
                    own[f"{service.name.upper()}_HEALTH_PORT"] = str(port)
                    health = f"http://127.0.0.1:{port}/readyz"
                procs[name] = Proc(name, args, own, self.root / f"{name}.log", health)
                if process.kind == "api" and service.name == REPLICATED:
                    twin = [*args[:-1], str(self.second_api_port)]
                    procs[f"{name}-2"] = Proc(
                        f"{name}-2", twin, own, self.root / f"{name}-2.log",
                        f"http://127.0.0.1:{self.second_api_port}/api/{service.name}/readyz")
        procs["gateway"] = Proc("gateway", ["haproxy", "-W", "-db", "-f", str(GATEWAY_CONFIG)],
                                env, self.root / "gateway.log")
        return procs

    async def start(self) -> None:
        self.procs = self.plan()
        for proc in self.procs.values():
            await proc.start()
        self._watch = asyncio.create_task(self._supervise())
        await self.ready(timeout=120)

    def _note(self, what: str) -> None:
        """A line in supervisor.log: when the suite started what again."""
        with (self.root / "supervisor.log").open("a") as log:
            log.write(f"{datetime.now(UTC).isoformat(timespec='milliseconds')} {what}\n")

    async def _supervise(self) -> None:
        """Start again whatever exited, whether the suite killed it or not."""
        while True:
            await asyncio.sleep(0.25)
            for proc in self.procs.values():
                if proc.process is not None and proc.process.returncode is not None:
                    if not proc.expected_exit:
                        proc.restarts += 1
                    await proc.start()
                    self._note(f"started {proc.name} again (pid {proc.process.pid})")
                    self.restarted[proc.name] = asyncio.get_running_loop().time()

    async def not_ready(self) -> list[str]:
        """Processes whose /readyz does not answer 200 within 3 s (Kubernetes' probe timeout
        in deploy/k8s) now, and why; and the gateway's /readyz of each API."""
        async with httpx.AsyncClient(timeout=3) as client:
            async def bad(name: str, url: str) -> str | None:
                try:
                    answer = await client.get(url)
                except httpx.HTTPError as error:
                    return f"{name} ({type(error).__name__})"
                return None if answer.status_code == 200 else f"{name} ({answer.text[:200]})"

            checks = [(n, p.health) for n, p in self.procs.items() if p.health]
            checks += [(f"gateway:{n}", f"{self.gateway}/api/{n}/readyz") for n in NAMES]
            return [b for b in await asyncio.gather(*(bad(n, u) for n, u in checks)) if b]

    async def ready(self, timeout: float) -> float:
        """Seconds until every /readyz is green; TimeoutError naming the others."""
        loop = asyncio.get_running_loop()
        started, waiting = loop.time(), ["?"]
        try:
            async with asyncio.timeout(timeout):
                while waiting := await self.not_ready():
                    await asyncio.sleep(0.2)
        except TimeoutError:
            names = [w.split(" ", 1)[0] for w in waiting]
            tails = {n: self.procs[n].log.read_text()[-600:] for n in names if n in self.procs}
            raise TimeoutError(f"not ready within {timeout} s: {waiting} {tails}") from None
        return loop.time() - started

    async def stop(self) -> None:
        if self._watch is not None:
            self._watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watch
        for proc in self.procs.values():
            if proc.running:
                await proc.kill(signal.SIGTERM)
