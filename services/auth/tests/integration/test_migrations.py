"""The migrations build exactly the tables orm.py describes, in the auth schema only."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from hms_auth import MIGRATIONS
from hms_auth.adapters.orm import metadata
from hms_platform.migrations import upgrade
from hms_platform.testing.database import head, scratch_engine


def _diff(connection: sa.Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={
        "include_schemas": True, "version_table_schema": "auth", "compare_type": True,
        "include_name": lambda name, kind, _: name == "auth" if kind == "schema" else True})
    return list(compare_metadata(context, metadata))


async def test_migrations_are_idempotent_and_match_the_tables_in_code(auth_engine) -> None:
    await upgrade(auth_engine, MIGRATIONS)  # again: nothing to do
    async with auth_engine.connect() as conn:
        assert await conn.run_sync(_diff) == []
        version = await conn.scalar(sa.text("SELECT version_num FROM auth.alembic_version"))
        tables = set((await conn.execute(sa.text(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'auth'"
        ))).scalars())
        elsewhere = await conn.scalar(sa.text(
            "SELECT count(*) FROM information_schema.tables WHERE table_name IN "
            "('users', 'signing_keys', 'throttle') AND table_schema <> 'auth'"))
    assert version == head(MIGRATIONS)
    assert {"users", "activation_codes", "refresh_families", "refresh_tokens", "throttle",
            "signing_keys", "outbox", "inbox"} <= tables
    assert elsewhere == 0


async def test_the_database_itself_refuses_rule_breaking_rows(auth_engine) -> None:
    """Constraints back the domain rules, so that no code path can skip them."""
    bad_rows = [
        "INSERT INTO auth.users VALUES (gen_random_uuid(), 'x', 'x', 'doctor', 'X', NULL, NULL,"
        " NULL, NULL, NULL, true, now(), now())",
        "INSERT INTO auth.users VALUES (gen_random_uuid(), 'y', 'y', 'wizard', 'Y', NULL, NULL,"
        " NULL, NULL, NULL, true, now(), now())",
    ]
    for row in bad_rows:
        async with auth_engine.connect() as conn:
            try:
                await conn.execute(sa.text(row))
            except sa.exc.IntegrityError:
                continue
            raise AssertionError(f"accepted: {row}")


async def test_0003_keeps_reset_accounts_activated_and_only_untouched_walk_ins_not(
        postgres_url) -> None:
    """Before 0003 a reset and a walk-in's pending activation both left no password; a reset
    account taken for a walk-in would let the desk see its codes again."""
    async with scratch_engine(postgres_url) as engine:
        await upgrade(engine, MIGRATIONS, "0002")
        async with engine.begin() as conn:
            for username, password_hash, changed in [
                    ("registered", "h", timedelta(0)), ("walk.in", None, timedelta(0)),
                    ("was.reset", None, timedelta(days=1))]:
                await conn.execute(sa.text(
                    "INSERT INTO auth.users (id, username, username_key, role, full_name, "
                    "password_hash, active, created_at, updated_at) VALUES (gen_random_uuid(),"
                    " :u, :u, 'patient', 'P', :h, true, now(), now() + :c)"),
                    {"u": username, "h": password_hash, "c": changed})
        await upgrade(engine, MIGRATIONS)
        async with engine.connect() as conn:
            activated = dict((await conn.execute(sa.text(
                "SELECT username, activated_at IS NOT NULL FROM auth.users"))).all())
        assert activated == {"registered": True, "walk.in": False, "was.reset": True}
