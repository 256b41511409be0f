"""The migrations build the schema the adapters query (0002: status capped, the destination
digest, appointment tombstones), and the database itself keeps one message per key and
channel."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import IntegrityError

from hms_notifications import MIGRATIONS
from hms_notifications.adapters.orm import metadata
from hms_platform.migrations import alembic_config, upgrade


async def test_the_schema_has_every_table(world) -> None:  # type: ignore[no-untyped-def]
    names = {r.table_name for r in await world.rows(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'notifications'")}
    assert {"messages", "contacts", "preferences", "devices", "outbox", "inbox",
            "token_revocations", "appointment_marks", "alembic_version"} <= names


def _diff(connection: sa.Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={
        "include_schemas": True, "version_table_schema": "notifications", "compare_type": True,
        "include_name": lambda name, kind, _: name == "notifications" if kind == "schema"
        else True})
    return list(compare_metadata(context, metadata))


async def test_the_migrations_match_the_tables_in_code_and_0002_goes_both_ways(world) -> None:  # type: ignore[no-untyped-def]
    async with world.engine.connect() as conn:
        assert await conn.run_sync(_diff) == []
    row = {"r": uuid.uuid4()}
    insert = sa.text(
        "INSERT INTO notifications.messages (id, recipient_id, kind, channel, dedup_key, params,"
        " status, due_at, created_at) VALUES (gen_random_uuid(), :r, 'turn_now', 'sms', :k,"
        " '{}', :s, now(), now())")
    async with world.engine.begin() as conn:
        await conn.execute(insert, {**row, "k": "k-capped", "s": "capped"})
    with pytest.raises(IntegrityError, match="messages_status_known"):
        async with world.engine.begin() as conn:
            await conn.execute(insert, {**row, "k": "k-bogus", "s": "bogus"})
    cfg = alembic_config(MIGRATIONS)

    def downgrade(connection: sa.Connection) -> None:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "0001")

    try:
        async with world.engine.begin() as conn:
            await conn.run_sync(downgrade)
        [kept] = await world.rows("SELECT status FROM notifications.messages")
        assert kept.status == "skipped"  # a capped row was never sent
    finally:
        await upgrade(world.engine, MIGRATIONS)
    async with world.engine.connect() as conn:
        assert await conn.run_sync(_diff) == []


async def test_a_second_row_for_a_key_and_channel_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    insert = sa.text(
        "INSERT INTO notifications.messages (id, recipient_id, kind, channel, dedup_key, params,"
        " status, due_at, created_at) VALUES (:id, :r, 'turn_now', 'sms', 'k1', '{}',"
        " 'pending', now(), now())")
    async with world.engine.begin() as conn:
        await conn.execute(insert, {"id": uuid.uuid4(), "r": uuid.uuid4()})
    with pytest.raises(IntegrityError, match="messages_dedup_key_channel_key"):
        async with world.engine.begin() as conn:
            await conn.execute(insert, {"id": uuid.uuid4(), "r": uuid.uuid4()})
