"""``make dev``: every service's processes (API, relay, consumer, scheduler) as their own OS
processes on the local Postgres and RabbitMQ, each service as its own database role, behind the
HAProxy gateway on :8000, as compose runs them but without containers. The staff web app's
build (web/dist, `make web`) is served behind the same gateway, at every path outside /api, by
``python -m hms_platform.web.site`` (compose and Kubernetes run nginx with the same headers).

Before anything starts: the database and each service's role and schema are provisioned, each
service migrates as its own role, and RabbitMQ's topology is declared up front. Generated
secrets (database passwords, the key-encryption and code keys, the display-link secret, the
first admin's password) are kept in ``--data-dir`` (default ``.hms-dev``), owner-only.

Every process's output is printed with its name in front. One process exiting stops them all,
and so do Ctrl-C and SIGTERM; the exit status says which.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import asyncpg

from hms_embedded.__main__ import (
    _generated_key,
    code_encryption_key,
    display_secret,
    first_admin,
    key_encryption_key,
    vapid_key,
)
from hms_embedded.certificate import self_signed_certificate
from hms_platform.messaging.rabbit import declare_definitions
from hms_platform.provision import provision_service
from hms_system.manifest import SYSTEM
from hms_system.topology import render

NAMES = sorted(SYSTEM.names)
SITE = SYSTEM.site
BIN = Path(sys.executable).parent  # the workspace's console scripts: hms-<name>


def secrets_in(data_dir: Path) -> None:
    """The secrets every service reads from the environment, generated once into data_dir."""
    first_admin(data_dir)
    key_encryption_key(data_dir)
    code_encryption_key(data_dir)
    display_secret(data_dir)
    vapid_key(data_dir, "127.0.0.1")  # Web Push for the patient app
    for name in NAMES:
        _generated_key(data_dir, f"{name.upper()}_DB_PASSWORD", f"{name}-db-password")


def reachable(bind: str) -> str:
    """``host:port`` to connect to a listener bound at ``bind`` (a wildcard on loopback)."""
    host, port = bind.rsplit(":", 1)
    return f"{'127.0.0.1' if host in ('', '0.0.0.0', '::', '[::]') else host}:{port}"


def environment(args: argparse.Namespace, ports: dict[str, int]) -> dict[str, str]:
    env = dict(os.environ)
    host = f"127.0.0.1:{args.postgres_port}"
    jwks = f"http://127.0.0.1:{ports['auth']}/api/auth/.well-known/jwks.json"
    for name in NAMES:
        p = name.upper()
        password = quote(os.environ[f"{p}_DB_PASSWORD"], safe="")
        env.update({
            f"{p}_ENVIRONMENT": "dev",
            f"{p}_DATABASE_URL":
                f"postgresql+asyncpg://{args.role_prefix}{name}:{password}@{host}/{args.database}",
            f"{p}_AMQP_URL": args.amqp_url, f"{p}_AMQP_PREFIX": args.amqp_prefix,
            f"{p}_JWKS_URL": jwks, f"{p}_TRUSTED_PROXIES": "127.0.0.1",
            f"HMS_{p}_ADDR": f"127.0.0.1:{ports[name]}",
        })
        env.setdefault(f"{p}_LOG_JSON", "false")
    # sync sends pushed operations to their owners through the gateway
    env["SYNC_API_URL"] = f"http://{reachable(args.gateway_bind)}"
    if args.tls:  # HTTPS on --tls-bind; plain HTTP on the gateway's port redirects there
        certificate = str(self_signed_certificate(args.data_dir / "gateway.pem"))
        env.update(HMS_GATEWAY_TLS_CERT=certificate, HMS_GATEWAY_TLS_BIND=args.tls_bind,
                   HMS_GATEWAY_HTTPS_PORT=args.tls_bind.rsplit(":", 1)[1],
                   SYNC_API_URL=f"https://{reachable(args.tls_bind)}",
                   SYNC_API_CA_FILE=certificate)
    if SITE:  # the gateway's backend for every path outside /api
        env[f"HMS_{SITE.prefix}_ADDR"] = f"127.0.0.1:{args.web_port}"
    env.update(HMS_GATEWAY_BIND=args.gateway_bind, AUTH_HOST="127.0.0.1",
               AUTH_PORT=str(ports["auth"]), NOTIFICATIONS_CONSOLE_CHANNEL="true")
    return env


async def prepare(args: argparse.Namespace, env: dict[str, str]) -> None:
    admin_url = f"postgresql://postgres@127.0.0.1:{args.postgres_port}/postgres"
    conn = await asyncpg.connect(admin_url)
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1",
                                   args.database):
            await conn.execute(f'CREATE DATABASE "{args.database}"')
    finally:
        await conn.close()
    conn = await asyncpg.connect(admin_url.rsplit("/", 1)[0] + f"/{args.database}")
    try:
        for name in NAMES:
            await provision_service(conn, schema=name, role=f"{args.role_prefix}{name}",
                                    password=os.environ[f"{name.upper()}_DB_PASSWORD"])
    finally:
        await conn.close()
    for name in NAMES:  # each migrates as its own role, as compose's one-shot job does
        migrate = await asyncio.create_subprocess_exec(
            str(BIN / SYSTEM.service(name).cli), "migrate", env=env)
        if await migrate.wait():
            raise SystemExit(f"{name}: migrations failed")
    await declare_definitions(args.amqp_url, render(args.amqp_prefix))


def commands(args: argparse.Namespace, ports: dict[str, int]) -> Iterator[tuple[str, list[str]]]:
    """The manifest's command of every process (``hms-<name> <process>``), the APIs on
    127.0.0.1 at their own ports; the web app's build when there is one; the gateway."""
    for name in NAMES:
        service = SYSTEM.service(name)
        for process in service.processes:
            command = [str(BIN / service.cli), process.kind]
            if process.kind == "api":
                command += ["--host", "127.0.0.1", "--port", str(ports[name])]
            yield service.process_name(process), command
    if SITE:
        root = (args.web_root or Path(SITE.root)).resolve()
        if (root / "index.html").is_file():
            yield SITE.name, [sys.executable, "-m", "hms_platform.web.site", "--root", str(root),
                              "--host", "127.0.0.1", "--port", str(args.web_port)]
        else:  # the gateway's web backend stays down: / answers 503
            print(f"no web build at {root} (make web): the staff web app is not served",
                  file=sys.stderr, flush=True)
    yield "gateway", ["haproxy", "-W", "-db", "-f", str(args.gateway_config)]


async def pipe(name: str, stream: asyncio.StreamReader, width: int) -> None:
    while line := await stream.readline():
        sys.stdout.write(f"{name:<{width}} | {line.decode(errors='replace')}")
        sys.stdout.flush()


async def supervise(args: argparse.Namespace) -> int:
    # each API at the base plus its local port's last digits (the manifest's 8001: base+1)
    ports = {s.name: args.port_base + s.port % 100 for s in SYSTEM.services}
    env = environment(args, ports)
    await prepare(args, env)
    wanted = dict(commands(args, ports))
    width = max(map(len, wanted))
    running: dict[str, asyncio.subprocess.Process] = {}
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopped.set)
    pipes = []
    for name, command in wanted.items():
        proc = await asyncio.create_subprocess_exec(
            *command, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
            start_new_session=True)  # Ctrl-C reaches us, not each child twice
        running[name] = proc
        assert proc.stdout is not None
        pipes.append(asyncio.create_task(pipe(name, proc.stdout, width)))
    exits = {asyncio.create_task(p.wait()): n for n, p in running.items()}
    waiter = asyncio.create_task(stopped.wait())
    done, _ = await asyncio.wait([*exits, waiter], return_when=asyncio.FIRST_COMPLETED)
    failed = [exits[t] for t in done if t in exits]
    if failed:
        print(f"{failed[0]} exited with {running[failed[0]].returncode}: stopping everything",
              flush=True)
    for proc in running.values():
        if proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                proc.terminate()
    for proc in running.values():
        try:
            await asyncio.wait_for(proc.wait(), 15)
        except TimeoutError:
            proc.kill()
            await proc.wait()
    await asyncio.gather(*pipes, return_exceptions=True)
    waiter.cancel()
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    env = os.environ.get
    parser.add_argument("--data-dir", type=Path, default=Path(env("HMS_DEV_DATA_DIR", ".hms-dev")))
    parser.add_argument("--database", default=env("HMS_DEV_DATABASE", "hms_dev"))
    parser.add_argument("--postgres-port", type=int, default=int(env("HMS_DEV_PG_PORT", "5432")))
    parser.add_argument("--role-prefix", default=env("HMS_DEV_ROLE_PREFIX", "hms_"))
    parser.add_argument("--amqp-url", default=env("HMS_DEV_AMQP_URL",
                                                  "amqp://guest:guest@127.0.0.1:5672/"))
    parser.add_argument("--amqp-prefix", default=env("HMS_DEV_AMQP_PREFIX", ""))
    parser.add_argument("--port-base", type=int, default=int(env("HMS_DEV_PORT_BASE", "8100")),
                        help="the APIs listen on base+1, base+2, ... (auth first)")
    parser.add_argument("--web-port", type=int,
                        default=int(env("HMS_DEV_WEB_PORT", str(SITE.port if SITE else 8090))),
                        help="the staff web app's build (hms_platform.web.site) listens here")
    parser.add_argument("--web-root", type=Path, default=None,
                        help=f"the web app's build ({SITE.root if SITE else 'web/dist'})")
    parser.add_argument("--gateway-bind", default=env("HMS_GATEWAY_BIND", "127.0.0.1:8000"))
    parser.add_argument("--tls", action="store_true", default=bool(env("HMS_GATEWAY_TLS")),
                        help="HTTPS with a self-signed certificate made in the data folder")
    parser.add_argument("--tls-bind", default=env("HMS_GATEWAY_TLS_BIND", "127.0.0.1:8443"))
    parser.add_argument("--gateway-config", type=Path,
                        default=Path(env("HMS_GATEWAY_CONFIG", "deploy/haproxy/haproxy.cfg")))
    args = parser.parse_args(argv)
    args.data_dir = args.data_dir.resolve()
    secrets_in(args.data_dir)
    raise SystemExit(asyncio.run(supervise(args)))


if __name__ == "__main__":
    main()
