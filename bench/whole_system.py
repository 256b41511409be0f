"""The whole system for the bench's `system` part, as `make dev` runs it (hms_embedded.dev):
every process of the system manifest (each service's API, relay, consumer and scheduler) its
own OS process, each service as its own database role, behind the HAProxy gateway; on the
machine's Postgres and RabbitMQ, in a fresh database with roles of its own and under a unique
AMQP prefix, so nothing else on those servers is touched. SMS go to ``twilio_url`` (a local
server speaking Twilio's Messages API). Everything is removed on the way out."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import secrets
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import aio_pika
import asyncpg
import load
from sqlalchemy.engine import make_url

from hms_platform.messaging.rabbit import declare_definitions
from hms_platform.pgurl import libpq_url
from hms_platform.provision import provision_service
from hms_platform.testing import twilio
from hms_platform.testing.clock import early_morning_zone
from hms_system.manifest import SYSTEM
from hms_system.topology import render

BIN = Path(sys.executable).parent
NAMES = sorted(SYSTEM.names)
GATEWAY_CONFIG = Path(__file__).resolve().parent.parent / "deploy" / "haproxy" / "haproxy.cfg"
CONSUMER = "notifications-consumer"  # the process the consumers row runs 1 and 3 of
# The processes on the measured paths keep their default pool (10 connections); the others get
# SMALL_POOL, so that every process fits the 100 connections of a default Postgres server.
MEASURED = {"appointments", "queue", "queue-consumer", CONSUMER, "notifications-scheduler"}
SMALL_POOL = "3"


@dataclass
class System:
    server_url: str  # the Postgres server, as the administrator (any database)
    amqp_url: str
    twilio_url: str
    group: load.Servers
    sender_interval: float | None = None  # NOTIFICATIONS_SENDER_INTERVAL_SECONDS; None: default
    zone: str = field(default_factory=early_morning_zone)  # the clinic's
    tag: str = field(default_factory=lambda: uuid.uuid4().hex[:6])
    admin_password: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    password: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    ports: dict[str, int] = field(default_factory=lambda: {n: load.free_port() for n in NAMES})
    gateway_port: int = field(default_factory=load.free_port)
    health: dict[str, str] = field(default_factory=dict)  # process -> its /readyz
    # the relays, consumers and schedulers: (command, environment, its health port's variable)
    plans: dict[str, tuple[list[str], dict[str, str], str]] = field(default_factory=dict)

    @property
    def database(self) -> str:
        return f"hms_bench_sys_{self.tag}"

    @property
    def prefix(self) -> str:
        return f"benchsys{self.tag}."

    def role(self, name: str) -> str:
        return f"hms_bench{self.tag}_{name}"

    @property
    def gateway(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}"

    @property
    def admin_dsn(self) -> str:
        """libpq URL of the bench's database as the administrator (seeding, counting)."""
        return libpq_url(make_url(self.server_url).set(database=self.database)
                         .render_as_string(hide_password=False))

    def environment(self) -> dict[str, str]:
        url = make_url(self.server_url)
        host = f"{url.host or '127.0.0.1'}:{url.port or 5432}"
        jwks = f"http://127.0.0.1:{self.ports['auth']}/api/auth/.well-known/jwks.json"
        env = load.env()
        for name in NAMES:
            p = name.upper()
            env.update({
                f"{p}_ENVIRONMENT": "test", f"{p}_LOG_JSON": "true", f"{p}_LOG_LEVEL": "WARNING",
                f"{p}_DATABASE_URL": f"postgresql+asyncpg://{self.role(name)}:{self.password}"
                                     f"@{host}/{self.database}",
                f"{p}_AMQP_URL": self.amqp_url, f"{p}_AMQP_PREFIX": self.prefix,
                f"{p}_JWKS_URL": jwks, f"{p}_TRUSTED_PROXIES": "127.0.0.1",
                f"HMS_{p}_ADDR": f"127.0.0.1:{self.ports[name]}",
            })
        env.update({
            "HMS_ADMIN_USERNAME": "admin", "HMS_ADMIN_PASSWORD": self.admin_password,
            "AUTH_KEY_ENCRYPTION_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
            "HMS_CODE_ENCRYPTION_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
            "QUEUE_DISPLAY_SECRET": secrets.token_urlsafe(32),
            "AUTH_HOST": "127.0.0.1", "AUTH_PORT": str(self.ports["auth"]),
            "HMS_CLINIC_TIMEZONE": self.zone, "SYNC_API_URL": self.gateway,
            # seeding registers patients and signs them in from one address, cheaply; the
            # measured paths never hash a password
            "AUTH_THROTTLE_REGISTRATIONS_PER_ADDRESS": "100000",
            "AUTH_ARGON2_TIME_COST": "1", "AUTH_ARGON2_MEMORY_COST": "1024",
            "HMS_SIGNIN_PER_MINUTE": "100000", "HMS_CONN_PER_CLIENT": "2000",
            # the check-in patients hold one appointment with each doctor today
            "APPOINTMENTS_MAX_ACTIVE_BOOKINGS": "100",
            **twilio.settings(self.twilio_url),
            "HMS_GATEWAY_BIND": f"127.0.0.1:{self.gateway_port}",
        })
        env.pop("NOTIFICATIONS_CONSOLE_CHANNEL", None)
        if self.sender_interval is not None:
            env["NOTIFICATIONS_SENDER_INTERVAL_SECONDS"] = str(self.sender_interval)
        else:
            env.pop("NOTIFICATIONS_SENDER_INTERVAL_SECONDS", None)
        return env

    async def prepare(self) -> None:
        """The database, each service's role and schema, migrations (each as its own role)
        and RabbitMQ's topology under the prefix, as make dev does."""
        admin = await asyncpg.connect(libpq_url(self.server_url))
        try:
            await admin.execute(f'CREATE DATABASE "{self.database}"')
        finally:
            await admin.close()
        conn = await asyncpg.connect(self.admin_dsn)
        try:
            for name in NAMES:
                await provision_service(conn, schema=name, role=self.role(name),
                                        password=self.password)
        finally:
            await conn.close()
        env = self.environment()

        async def migrate(name: str) -> None:
            log = self.group.workdir / f"{name}-migrate.log"
            with log.open("w") as out:
                proc = await asyncio.create_subprocess_exec(
                    str(BIN / SYSTEM.service(name).cli), "migrate", env=env, stdout=out,
                    stderr=asyncio.subprocess.STDOUT)
            if await proc.wait():
                raise RuntimeError(f"{name}: migrations failed:\n{log.read_text()[-2000:]}")

        for name in NAMES:  # one at a time: two cores
            await migrate(name)
        await declare_definitions(self.amqp_url, render(self.prefix))

    async def start(self) -> None:
        env = self.environment()
        for service in SYSTEM.services:
            for process in service.processes:
                name = service.process_name(process)
                args = [str(BIN / service.cli), process.kind]
                own = dict(env)
                if name not in MEASURED:
                    own[f"{service.name.upper()}_DB_POOL_SIZE"] = SMALL_POOL
                if process.kind == "api":
                    port = self.ports[service.name]
                    args += ["--host", "127.0.0.1", "--port", str(port)]
                    self.health[name] = f"http://127.0.0.1:{port}/api/{service.name}/readyz"
                    await self.group.start(name, args, own)
                else:
                    self.plans[name] = (args, own, f"{service.name.upper()}_HEALTH_PORT")
                    await self.run(name, wait=False)
        await self.group.start("gateway", ["haproxy", "-W", "-db", "-f", str(GATEWAY_CONFIG)],
                               env)
        for url in self.health.values():
            await self.group.wait_ready(url, timeout=180)
        for name in NAMES:  # through the gateway too (its checks mark each backend up)
            await self.group.wait_ready(f"{self.gateway}/api/{name}/readyz", timeout=60)

    async def run(self, name: str, *, wait: bool = True) -> None:
        """Start a relay, consumer or scheduler (again), on a new health port."""
        args, env, health_port = self.plans[name]
        port = load.free_port()
        await self.group.start(name, args, {**env, health_port: str(port)})
        self.health[name] = f"http://127.0.0.1:{port}/readyz"
        if wait:
            await self.group.wait_ready(self.health[name], timeout=60)

    async def stop(self, name: str) -> None:
        """Stop one process (SIGTERM: it finishes what it holds) and wait for it."""
        process = self.group.running.pop(name)
        self.health.pop(name, None)
        process.terminate()
        await process.wait()

    def running(self, name: str) -> bool:
        process = self.group.running.get(name)
        return process is not None and process.returncode is None

    async def consumers(self, n: int) -> None:
        """Run ``n`` notifications consumer processes (starting or stopping extra ones), all
        started at once and ready when this returns."""
        names = [CONSUMER] + [f"{CONSUMER}-{i}" for i in range(2, 10)]
        for name in names[1:]:
            self.plans[name] = self.plans[CONSUMER]
        for name in names[n:]:
            if self.running(name):
                await self.stop(name)
        wanted = [name for name in names[:n] if not self.running(name)]
        await asyncio.gather(*(self.run(name) for name in wanted))

    async def remove(self) -> None:
        """The database, the roles and the prefix's queues and exchanges."""
        with contextlib.suppress(Exception):
            admin = await asyncpg.connect(libpq_url(self.server_url))
            try:
                await admin.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
                for name in NAMES:
                    await admin.execute(f'DROP ROLE IF EXISTS "{self.role(name)}"')
            finally:
                await admin.close()
        with contextlib.suppress(Exception):
            definitions = render(self.prefix)
            connection = await aio_pika.connect(self.amqp_url)
            async with connection:
                channel = await connection.channel()
                for queue in definitions["queues"]:
                    await channel.queue_delete(queue["name"])
                for exchange in definitions["exchanges"]:
                    await channel.exchange_delete(exchange["name"])


@contextlib.asynccontextmanager
async def running(server_url: str, amqp_url: str, twilio_url: str,
                  sender_interval: float | None) -> AsyncIterator[System]:
    """The system started and ready; stopped and removed on the way out, whatever happened
    (the servers' logs are printed on a failure by load.servers)."""
    system: System | None = None
    try:
        async with load.servers("system") as group:
            system = System(server_url, amqp_url, twilio_url, group, sender_interval)
            await system.prepare()
            await system.start()
            yield system
            system.group.check_alive()
    finally:
        if system is not None:
            await system.remove()
