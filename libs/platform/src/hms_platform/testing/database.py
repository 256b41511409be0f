"""A service's own schema in its tests: migrated once per test session, emptied before each
test. Every table of the schema is emptied but the migrations' version table, so a table added
by a migration needs no list kept in step."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from hms_platform.db import make_engine
from hms_platform.migrations import alembic_config, upgrade
from hms_platform.pgurl import libpq_url

_TABLES = sa.text("SELECT tablename FROM pg_tables "
                  "WHERE schemaname = :schema AND tablename <> 'alembic_version'")


def migrated(database_url: str, migrations: str | Path) -> str:
    """The service's migrations run to head on ``database_url`` (for a session fixture, which
    is synchronous); the same URL back."""
    async def run() -> None:
        engine = make_engine(database_url, pool_size=1)
        try:
            await upgrade(engine, migrations)
        finally:
            await engine.dispose()

    asyncio.run(run())
    return database_url


async def empty(engine: AsyncEngine, schema: str) -> None:
    """Every table of ``schema`` truncated and its sequences restarted, in one statement
    (foreign keys between its tables hold); the migrations' version table is kept."""
    async with engine.begin() as conn:
        names = (await conn.execute(_TABLES, {"schema": schema})).scalars().all()
        if names:
            await conn.execute(sa.text(
                "TRUNCATE " + ", ".join(f'{schema}."{name}"' for name in sorted(names))
                + " RESTART IDENTITY"))


@contextlib.asynccontextmanager
async def emptied_engine(database_url: str, schema: str,
                         pool_size: int = 5) -> AsyncIterator[AsyncEngine]:
    """An engine on ``database_url`` with ``schema`` emptied first, disposed afterwards."""
    engine = make_engine(database_url, pool_size=pool_size)
    try:
        await empty(engine, schema)
        yield engine
    finally:
        await engine.dispose()


@contextlib.asynccontextmanager
async def scratch_engine(postgres_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine (one connection) on a database of its own, made empty for the block and dropped
    afterwards: for a test that runs migrations from an older revision."""
    name = f"hms_test_{uuid.uuid4().hex[:12]}"
    server = await asyncpg.connect(libpq_url(postgres_url))
    try:
        await server.execute(f'CREATE DATABASE "{name}"')
        engine = make_engine(make_url(postgres_url).set(database=name)
                             .render_as_string(hide_password=False), pool_size=1)
        try:
            yield engine
        finally:
            await engine.dispose()
            await server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await server.close()


def revision(database_url: str, schema: str) -> str:
    """The revision ``schema``'s migrations stand at on ``database_url`` (for a synchronous
    test, such as one that runs a service's command line)."""
    async def read() -> str:
        engine = make_engine(database_url, pool_size=1)
        try:
            async with engine.connect() as conn:
                return str((await conn.execute(sa.text(
                    f'SELECT version_num FROM "{schema}".alembic_version'))).scalar_one())
        finally:
            await engine.dispose()

    return asyncio.run(read())


def head(migrations: str | Path) -> str:
    """The newest revision of a service's migrations."""
    found = ScriptDirectory.from_config(alembic_config(migrations)).get_current_head()
    assert found is not None, migrations
    return found
