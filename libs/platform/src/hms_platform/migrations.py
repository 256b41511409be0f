"""Alembic per service, each in its own schema (docs/platform.md).

A service's ``migrations/env.py`` is two lines::

    from hms_platform.migrations import run_env
    run_env(metadata, schema="auth")

and code (bootstrap, tests, the embedded run) applies them with :func:`upgrade`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


def run_env(metadata: sa.MetaData, schema: str) -> None:
    """The body of a service's ``env.py``: online migrations only, confined to ``schema``."""
    from alembic import context

    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection, metadata, schema)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("set sqlalchemy.url (or call hms_platform.migrations.upgrade)")

    async def online() -> None:
        engine = create_async_engine(url)
        async with engine.begin() as conn:
            await conn.run_sync(_run, metadata, schema)
        await engine.dispose()

    asyncio.run(online())


def _run(connection: sa.Connection, metadata: sa.MetaData, schema: str) -> None:
    from alembic import context

    def include_name(name: str | None, type_: str, parent_names: object) -> bool:
        # Autogenerate must never see, let alone drop, another service's tables.
        return name == schema if type_ == "schema" else True

    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table_schema=schema,
        include_schemas=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        # Inside the transaction: before it, SQLAlchemy 2's autobegin makes Alembic commit nothing.
        # Only when missing: even with IF NOT EXISTS, PostgreSQL demands CREATE on the database,
        # which a service role that owns its provisioned schema does not have.
        exists = connection.execute(
            sa.text("SELECT 1 FROM pg_namespace WHERE nspname = :s"), {"s": schema}).first()
        if exists is None:
            context.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        context.run_migrations()


def create_messaging_tables(schema: str) -> None:
    """For a service's first migration: its outbox and inbox tables, from the one definition."""
    from alembic import op

    from hms_platform.outbox.tables import OutboxTables

    tables = OutboxTables(sa.MetaData(), schema)
    tables.outbox.metadata.create_all(op.get_bind(), tables=[tables.outbox, tables.inbox])


Migration = tuple[Callable[[], None], Callable[[], None]]  # a revision's upgrade, downgrade


def _table(schema: str, name: str, create: Callable[[str], None]) -> Migration:
    def downgrade() -> None:
        from alembic import op

        op.drop_table(name, schema=schema)

    return (lambda: create(schema)), downgrade


def idempotency_keys(schema: str) -> Migration:
    """A service's migration's ``upgrade, downgrade``: its ``idempotency_keys`` table
    (hms_platform.idempotency), created and dropped."""
    from hms_platform.idempotency import TABLE

    return _table(schema, TABLE, create_idempotency_table)


def signing_key_ids(schema: str) -> Migration:
    """A service's migration's ``upgrade, downgrade``: its ``signing_key_ids`` table (auth's
    key ids as its rotations announced them, so the API refuses a retired key at once:
    hms_platform.revocation), created and dropped."""
    return _table(schema, "signing_key_ids", create_signing_key_table)


def create_idempotency_table(schema: str) -> None:
    """Its ``idempotency_keys`` table (hms_platform.idempotency)."""
    from alembic import op

    from hms_platform.idempotency import idempotency_table

    table = idempotency_table(sa.MetaData(), schema)
    table.metadata.create_all(op.get_bind(), tables=[table])


def field_times(schema: str, table: str) -> Migration:
    """A service's migration's ``upgrade, downgrade``: ``<schema>.<table>.field_times``, per
    field when it was last written and whether by staff (hms_platform.last_write), added and
    dropped. Existing rows get ``{}``: no field written with a time yet, the next write wins."""

    def upgrade() -> None:
        from alembic import op
        from sqlalchemy.dialects.postgresql import JSONB

        op.add_column(table, sa.Column("field_times", JSONB, nullable=False,
                                       server_default=sa.text("'{}'::jsonb")), schema=schema)

    def downgrade() -> None:
        from alembic import op

        op.drop_column(table, "field_times", schema=schema)

    return upgrade, downgrade


def create_revocation_table(schema: str) -> None:
    """For a service that verifies access tokens: its ``token_revocations`` table."""
    from alembic import op

    from hms_platform.revocation import revocation_table

    table = revocation_table(sa.MetaData(), schema)
    table.metadata.create_all(op.get_bind(), tables=[table])


def create_signing_key_table(schema: str) -> None:
    """For a service that verifies access tokens: its ``signing_key_ids`` table (the key ids
    auth's rotations announced, and which of them are retired)."""
    from alembic import op

    from hms_platform.revocation import signing_key_table

    table = signing_key_table(sa.MetaData(), schema)
    table.metadata.create_all(op.get_bind(), tables=[table])


def alembic_config(script_location: str | Path) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    return cfg


async def upgrade(engine: AsyncEngine, script_location: str | Path, revision: str = "head") -> None:
    """Apply a service's migrations over ``engine`` (one transaction)."""
    cfg = alembic_config(script_location)

    def _upgrade(connection: sa.Connection) -> None:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)

    async with engine.begin() as conn:
        await conn.run_sync(_upgrade)
