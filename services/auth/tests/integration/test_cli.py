"""`hms-auth migrate | rotate-keys | create-admin` against the test database.

`main()` runs its own event loop (asyncio.run), so each call goes to a worker thread.
"""

from __future__ import annotations

import asyncio
import io

import pytest
import sqlalchemy as sa

from hms_auth import MIGRATIONS
from hms_auth.entrypoints.cli import main
from hms_platform.testing.database import head


@pytest.fixture
def cli_env(monkeypatch, database_url, auth_engine):
    monkeypatch.setenv("AUTH_DATABASE_URL", database_url)
    monkeypatch.setenv("AUTH_ARGON2_TIME_COST", "1")
    monkeypatch.setenv("AUTH_ARGON2_MEMORY_COST", "1024")
    monkeypatch.delenv("HMS_ADMIN_PASSWORD", raising=False)
    return monkeypatch


async def run(*argv: str) -> int:
    return await asyncio.to_thread(main, list(argv))


async def scalars(engine, sql: str) -> list[object]:
    async with engine.connect() as conn:
        return list((await conn.execute(sa.text(sql))).scalars())


async def test_migrate_then_rotate_keys(cli_env, auth_engine, capsys) -> None:
    assert await run("migrate") == 0
    assert await scalars(auth_engine, "SELECT version_num FROM auth.alembic_version") == [
        head(MIGRATIONS)]
    assert await run("rotate-keys") == 0  # no key yet: the new one is simply current
    assert await run("rotate-keys") == 0
    statuses = await scalars(auth_engine, "SELECT status FROM auth.signing_keys ORDER BY "
                                          "created_at")
    assert statuses == ["previous", "current"]
    assert "new current key" in capsys.readouterr().out


async def test_create_admin_reads_the_password_from_stdin(cli_env, auth_engine, capsys) -> None:
    cli_env.setattr("sys.stdin", io.StringIO("a-long-admin-password\n"))
    assert await run("create-admin", "--username", "ops.admin", "--password-stdin") == 0
    assert await scalars(auth_engine, "SELECT role FROM auth.users") == ["admin"]
    cli_env.setattr("sys.stdin", io.StringIO("a-long-admin-password\n"))
    assert await run("create-admin", "--username", "OPS.admin", "--password-stdin") == 1
    assert "already exists" in capsys.readouterr().err


async def test_create_admin_refuses_a_short_password(cli_env, auth_engine, capsys) -> None:
    cli_env.setenv("HMS_ADMIN_PASSWORD", "short")
    assert await run("create-admin", "--username", "ops.admin") == 1
    assert "8 to 1024" in capsys.readouterr().err
    assert await scalars(auth_engine, "SELECT count(*) FROM auth.users") == [0]
