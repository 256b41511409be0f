"""Migration 0001 builds the schema the adapters query, and the database itself keeps one
message per key and channel."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError


async def test_the_schema_has_every_table(world) -> None:  # type: ignore[no-untyped-def]
    names = {r.table_name for r in await world.rows(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'notifications'")}
    assert {"messages", "contacts", "preferences", "devices", "outbox", "inbox",
            "token_revocations", "alembic_version"} <= names


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
