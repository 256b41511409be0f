"""Tests empty a service's schema before each test: every table, the ones a later migration
adds included, sequences restarted; the migrations' version table kept."""

from __future__ import annotations

import sqlalchemy as sa

from hms_platform.testing.database import empty


async def test_every_table_is_emptied_and_the_version_is_kept(demo_engine) -> None:
    async with demo_engine.begin() as conn:
        await conn.execute(sa.text("CREATE TABLE IF NOT EXISTS demo.added_later (id serial, "
                                   "item_id int REFERENCES demo.items (id))"))
        await conn.execute(sa.text("INSERT INTO demo.items (id, name) VALUES (1, 'one')"))
        await conn.execute(sa.text("INSERT INTO demo.added_later (item_id) VALUES (1), (1)"))
    try:
        await empty(demo_engine, "demo")
        async with demo_engine.begin() as conn:
            for table in ("items", "added_later", "outbox", "inbox", "effects"):
                assert await conn.scalar(sa.text(f"SELECT count(*) FROM demo.{table}")) == 0
            assert await conn.scalar(sa.text("SELECT count(*) FROM demo.alembic_version")) == 1
            await conn.execute(sa.text("INSERT INTO demo.items (id, name) VALUES (1, 'one')"))
            new_id = await conn.scalar(sa.text(
                "INSERT INTO demo.added_later (item_id) VALUES (1) RETURNING id"))
            assert new_id == 1  # the sequence restarted
    finally:
        async with demo_engine.begin() as conn:
            await conn.execute(sa.text("DROP TABLE demo.added_later"))
