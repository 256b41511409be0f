from __future__ import annotations

import sqlalchemy as sa

from hms_platform.migrations import upgrade


async def test_migrations_live_in_the_service_schema_and_are_idempotent(engine, demo) -> None:
    await upgrade(engine, demo.MIGRATIONS)
    await upgrade(engine, demo.MIGRATIONS)
    async with engine.connect() as conn:
        tables = set((await conn.execute(sa.text(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'demo'"
        ))).scalars())
        version = (await conn.execute(sa.text("SELECT version_num FROM demo.alembic_version")
                                      )).scalar_one()
        public = (await conn.execute(sa.text(
            # Not in the default schema (other services' own version tables may share the
            # session database, each in its own schema).
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'alembic_version'"
            " AND table_schema = 'public'"))).scalar_one()
    assert {"items", "effects", "outbox", "inbox", "alembic_version"} <= tables
    assert version == "0001"
    assert public == 0
