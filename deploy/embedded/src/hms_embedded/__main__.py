"""``make run``: every service's routes on one port (default 127.0.0.1:8000), an embedded
Postgres in ``.hms/pgdata`` and the in-memory bus, relays and consumers in-process."""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import importlib
import ipaddress
import os
import secrets
import signal
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import structlog
import uvicorn

from hms_embedded import postgres
from hms_embedded.front import FrontDoor
from hms_embedded.tls import JWKS_PATH, JwksOnly, Sidecar, Tls, loopback_socket
from hms_platform.embedding import Component
from hms_platform.logging import configure_logging
from hms_platform.messaging.memory import InMemoryBus
from hms_platform.migrations import upgrade
from hms_platform.outbox import OutboxRelay
from hms_platform.runtime import run
from hms_platform.settings import IpNetwork
from hms_platform.web.middleware import SecurityHeadersMiddleware
from hms_platform.web.serving import uvicorn_config
from hms_platform.web.site import StaticSite, default_root
from hms_system.manifest import SYSTEM

# The manifest's services: each one's hms_<name>.embedded exposes component(database_url, bus)
# -> Component.
SERVICES = tuple(f"{service.package}.embedded" for service in SYSTEM.services)
# The env prefixes of every service's settings.
PREFIXES = tuple(service.prefix for service in SYSTEM.services)
log = structlog.get_logger("hms.embedded")


def _private_file(path: Path, content: str) -> None:
    """Create ``path`` readable by its owner only before anything secret is written to it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write(content)


def first_admin(data_dir: Path) -> None:
    """Without HMS_ADMIN_USERNAME/PASSWORD, the embedded run makes an ``admin`` with a random
    password, kept in ``<data dir>/admin-password`` (mode 600) rather than printed."""
    os.environ.setdefault("HMS_ADMIN_USERNAME", "admin")
    if os.environ.get("HMS_ADMIN_PASSWORD"):
        return
    secret_file = data_dir / "admin-password"
    if not secret_file.exists():
        _private_file(secret_file, secrets.token_urlsafe(18) + "\n")
    os.environ.setdefault("HMS_ADMIN_USERNAME", "admin")
    os.environ["HMS_ADMIN_PASSWORD"] = secret_file.read_text().strip()
    log.info("embedded.admin", username=os.environ["HMS_ADMIN_USERNAME"],
             password_file=str(secret_file))


def _generated_key(data_dir: Path, variable: str, filename: str,
                   make: Callable[[], str] | None = None) -> None:
    """Set ``variable`` (unless it is set) to a random 32-byte key, base64 (or what ``make``
    makes), made at first start in ``<data dir>/<filename>`` (mode 600): never a key written in
    the source."""
    key_file = data_dir / filename
    if not os.environ.get(variable):
        if not key_file.exists():
            key = make() if make else base64.b64encode(secrets.token_bytes(32)).decode()
            _private_file(key_file, key + "\n")
        os.environ[variable] = key_file.read_text().strip()


def key_encryption_key(data_dir: Path) -> None:
    """auth encrypts its signing keys under AUTH_KEY_ENCRYPTION_KEY: whoever can read the data
    folder but not ``key-encryption-key`` cannot sign tokens."""
    if (not os.environ.get("AUTH_KEY_ENCRYPTION_KEY") and (data_dir / "pgdata").exists()
            and not (data_dir / "key-encryption-key").exists()):
        # The key is made before the database, never after.
        raise SystemExit(
            f"{data_dir} has a database but no key-encryption-key file: its signing keys "
            "were sealed under another key (earlier versions used a fixed development "
            f"key). Delete {data_dir} to start afresh, or set AUTH_KEY_ENCRYPTION_KEY to "
            "the key they were sealed under.")
    _generated_key(data_dir, "AUTH_KEY_ENCRYPTION_KEY", "key-encryption-key")


def code_encryption_key(data_dir: Path) -> None:
    """One-time codes travel in events sealed under HMS_CODE_ENCRYPTION_KEY (auth seals,
    notifications opens)."""
    _generated_key(data_dir, "HMS_CODE_ENCRYPTION_KEY", "code-encryption-key")


def display_secret(data_dir: Path) -> None:
    """The queue signs waiting-room links under QUEUE_DISPLAY_SECRET: whoever has it can mint a
    link to any doctor's line, so it is made at first start, never taken from the source."""
    _generated_key(data_dir, "QUEUE_DISPLAY_SECRET", "display-secret")


def vapid_key(data_dir: Path, host: str) -> None:
    """Web Push for the patient app: notifications signs its pushes with a P-256 key (VAPID),
    NOTIFICATIONS_VAPID_PRIVATE_KEY or one made at first start in ``<data dir>/vapid-key``;
    phones subscribed under it stop getting pushes if it changes."""
    from hms_notifications.embedded import new_vapid_key, vapid_subject

    _generated_key(data_dir, "NOTIFICATIONS_VAPID_PRIVATE_KEY", "vapid-key", new_vapid_key)
    os.environ.setdefault("NOTIFICATIONS_VAPID_SUBJECT", vapid_subject(host))


def point_at_own_jwks(port: int) -> None:
    """Services verify tokens from auth's JWKS, which this same process serves (over HTTPS, on
    a loopback listener of its own: see :class:`JwksOnly`)."""
    url = f"http://127.0.0.1:{port}{JWKS_PATH}"
    for prefix in PREFIXES:
        os.environ.setdefault(f"{prefix}_JWKS_URL", url)


@dataclass(frozen=True)
class ConnectionLimits:
    """This server faces clients itself (no gateway in front): a request's headers must arrive
    within HMS_HEADER_TIMEOUT seconds (10), and one address may hold at most
    HMS_MAX_CONNECTIONS_PER_CLIENT (100) open connections; the trusted proxies
    (HMS_TRUSTED_PROXIES), which carry many clients, are not capped."""

    header_timeout: float
    max_connections_per_client: int
    uncapped: list[IpNetwork]

    @classmethod
    def from_environment(cls) -> ConnectionLimits:
        env = os.environ.get
        try:
            limits = cls(float(env("HMS_HEADER_TIMEOUT", "10")),
                         int(env("HMS_MAX_CONNECTIONS_PER_CLIENT", "100")),
                         [ipaddress.ip_network(item.strip(), strict=False)
                          for item in env("HMS_TRUSTED_PROXIES", "").split(",") if item.strip()])
        except ValueError as error:
            raise SystemExit(f"HMS_HEADER_TIMEOUT, HMS_MAX_CONNECTIONS_PER_CLIENT or "
                             f"HMS_TRUSTED_PROXIES is not valid: {error}") from None
        if limits.header_timeout <= 0 or limits.max_connections_per_client < 1:
            raise SystemExit("HMS_HEADER_TIMEOUT must be positive and "
                             "HMS_MAX_CONNECTIONS_PER_CLIENT at least 1")
        return limits


def trust_proxies() -> None:
    """HMS_TRUSTED_PROXIES (default none: X-Forwarded-For is ignored) for every service, unless
    a service's own <PREFIX>_TRUSTED_PROXIES says otherwise."""
    value = os.environ.get("HMS_TRUSTED_PROXIES", "")
    for prefix in PREFIXES:
        os.environ.setdefault(f"{prefix}_TRUSTED_PROXIES", value)


def clinic_timezone() -> None:
    """HMS_CLINIC_TIMEZONE (default Africa/Nairobi): the clinic's zone for every service, unless
    a service's own <PREFIX>_CLINIC_TIMEZONE says otherwise; an unknown zone stops the start."""
    zone = os.environ.get("HMS_CLINIC_TIMEZONE", "").strip()
    if not zone:
        return
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise SystemExit(f"HMS_CLINIC_TIMEZONE: unknown IANA time zone {zone!r} "
                         "(e.g. Africa/Nairobi, Europe/Paris)") from None
    for prefix in PREFIXES:
        os.environ.setdefault(f"{prefix}_CLINIC_TIMEZONE", zone)


async def serve(host: str, port: int, data_dir: Path) -> None:
    first_admin(data_dir)
    key_encryption_key(data_dir)
    code_encryption_key(data_dir)
    display_secret(data_dir)
    vapid_key(data_dir, host)
    clinic_timezone()
    tls = Tls.from_environment(data_dir, host)
    jwks_socket = loopback_socket() if tls else None
    point_at_own_jwks(jwks_socket.getsockname()[1] if jwks_socket else port)
    trust_proxies()
    limits = ConnectionLimits.from_environment()
    server, uri = postgres.start(data_dir / "pgdata")
    try:
        await postgres.ensure_database(uri, "hms")
        url = postgres.database_url(uri, "hms")
        # Every consumer subscribes below before the relays start: an event none of them binds is
        # wanted by no service in this process, so it is dropped, not retried for ever.
        bus = InMemoryBus(time_scale=1.0, unbound="drop")
        components: list[Component] = [
            importlib.import_module(name).component(url, bus) for name in SERVICES]
        for c in components:
            await upgrade(c.engine, c.migrations)
            for sub in c.subscriptions:
                await bus.subscribe(sub.queue, sub.routing_keys, sub.handler)
        stop = asyncio.Event()
        tasks = [asyncio.create_task(OutboxRelay(c.engine, c.tables, bus, listen=False).run(stop))
                 for c in components]
        tasks += [asyncio.create_task(job()) for c in components for job in c.background]
        # The services' answers carry their own headers; this adds them to the dispatcher's 404.
        site = StaticSite(default_root())
        app = SecurityHeadersMiddleware(FrontDoor(components, site))
        for c in components:  # sync forwards pushed operations to the owners through it
            getattr(c.app.state, "attach_front_door", lambda _app: None)(app)
        sidecar = Sidecar(uvicorn.Config(JwksOnly(app), lifespan="off", log_config=None,
                                          access_log=False, server_header=False))
        if jwks_socket is not None:
            tasks.append(asyncio.create_task(sidecar.serve(sockets=[jwks_socket])))
        https = {"ssl_certfile": str(tls.certfile), "ssl_keyfile": str(tls.keyfile)} if tls else {}
        log.info("embedded.ready", url=f"{'https' if tls else 'http'}://{host}:{port}",
                 services=[c.name for c in components], data_dir=str(data_dir),
                 web=str(site.root) if site.built else f"not built ({site.root}): make web")
        try:
            # Open event streams (the queue's) would hold a graceful shutdown forever.
            await uvicorn.Server(uvicorn_config(app, host=host, port=port,
                                                timeout_graceful_shutdown=5,
                                                header_timeout=limits.header_timeout,
                                                max_connections_per_client=(
                                                    limits.max_connections_per_client),
                                                uncapped=limits.uncapped, **https)).serve()
        finally:
            stop.set()
            sidecar.should_exit = True
            for task in tasks:
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.gather(*tasks, return_exceptions=True)
            for c in components:
                await c.engine.dispose()
    finally:  # whatever stopped us: the embedded Postgres stops with us, never left behind
        postgres.stop(server)


def logging_from_environment() -> None:
    """HMS_LOG_LEVEL (DEBUG, INFO, WARNING, ERROR; default INFO) and HMS_LOG_FILE (the same
    lines appended to that file too, besides stdout); a wrong value stops the start."""
    file = os.environ.get("HMS_LOG_FILE", "").strip()
    try:
        configure_logging(json=False, level=os.environ.get("HMS_LOG_LEVEL", "INFO"),
                          file=Path(file) if file else None)
    except ValueError as error:
        raise SystemExit(f"HMS_LOG_LEVEL: {error}") from None
    except OSError as error:
        raise SystemExit(f"HMS_LOG_FILE: cannot write {file}: {error.strerror}") from None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=os.environ.get("HMS_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("HMS_PORT", "8000")))
    parser.add_argument("--data-dir", type=Path,
                        default=Path(os.environ.get("HMS_DATA_DIR", ".hms")))
    args = parser.parse_args()
    logging_from_environment()
    # SIGTERM (kill, systemd, a container runtime) stops the run exactly as Ctrl-C does. Left
    # to its default, the SIGTERM that uvicorn re-raises after its graceful shutdown killed the
    # process before anything stopped the embedded Postgres, which then outlived it.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    # A stop on request is a success (status 0, no traceback), whichever signal asked for it.
    with contextlib.suppress(KeyboardInterrupt):
        run(serve(args.host, args.port, args.data_dir.resolve()))


if __name__ == "__main__":
    main()
