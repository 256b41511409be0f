"""Each service runs as its own database role, which can read no other service's schema
(QUALITY.md "Security"): provisioned for real, migrated as that role, then attacked."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from sqlalchemy.engine import URL, make_url

import hms_appointments
import hms_auth
from hms_platform.db import make_engine
from hms_platform.migrations import upgrade
from hms_platform.provision import provision_service

SERVICES = {"auth": hms_auth.MIGRATIONS, "appointments": hms_appointments.MIGRATIONS}


@pytest.fixture
async def provisioned(postgres_url: str) -> AsyncIterator[tuple[URL, dict[str, str]]]:
    server = make_url(postgres_url)
    plain = server.set(drivername="postgresql").render_as_string(hide_password=False)
    tag = uuid.uuid4().hex[:6]
    database, roles = f"hms_roles_{tag}", {s: f"hms_t{tag}_{s}" for s in SERVICES}
    admin = await asyncpg.connect(plain)
    await admin.execute(f'CREATE DATABASE "{database}"')
    db = server.set(database=database)
    in_db = await asyncpg.connect(db.set(drivername="postgresql")
                                  .render_as_string(hide_password=False))
    try:
        for schema, role in roles.items():
            await provision_service(in_db, schema=schema, role=role, password="pw")
        await in_db.close()
        for schema, migrations in SERVICES.items():  # each migrates as itself, not as admin
            engine = make_engine(db.set(username=roles[schema], password="pw")
                                 .render_as_string(hide_password=False), pool_size=1)
            await upgrade(engine, migrations)
            await engine.dispose()
        yield db, roles
    finally:
        if not in_db.is_closed():
            await in_db.close()
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        for role in roles.values():
            await admin.execute(f'DROP ROLE IF EXISTS "{role}"')
        await admin.close()


async def connect(db: URL, role: str) -> asyncpg.Connection:
    return await asyncpg.connect(db.set(drivername="postgresql", username=role, password="pw")
                                 .render_as_string(hide_password=False))


async def test_services_migrate_as_their_own_roles_and_cannot_reach_each_other(
    provisioned,
) -> None:
    db, roles = provisioned
    auth, appointments = await connect(db, roles["auth"]), await connect(db, roles["appointments"])
    try:
        # each owns and uses its own tables
        assert await auth.fetchval("SELECT count(*) FROM auth.users") == 0
        assert await appointments.fetchval(
            "SELECT count(*) FROM appointments.appointments") == 0
        # and reaches nothing of the other's: not the password hashes, not the diagnoses
        attacks = [
            (appointments, "SELECT password_hash FROM auth.users"),
            (appointments, "SELECT * FROM auth.signing_keys"),
            (appointments, "DELETE FROM auth.outbox"),
            (auth, "SELECT diagnosis FROM appointments.appointments"),
            (auth, "UPDATE appointments.penalties SET waived_at = now()"),
            (auth, "CREATE TABLE appointments.planted (id int)"),
        ]
        for conn, sql in attacks:
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute(sql)
    finally:
        await auth.close()
        await appointments.close()
