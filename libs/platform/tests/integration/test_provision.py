"""Each service's database role can read no other service's schema (security)."""

from __future__ import annotations

import uuid

import asyncpg
import pytest

from hms_platform.pgurl import libpq_url
from hms_platform.provision import provision_service


@pytest.fixture
async def two_services(database_url):  # type: ignore[no-untyped-def]
    admin = await asyncpg.connect(libpq_url(database_url))
    tag = uuid.uuid4().hex[:6]
    roles = {"alpha": f"hms_t{tag}_alpha", "beta": f"hms_t{tag}_beta"}
    for schema, role in roles.items():
        for _ in range(2):  # idempotent
            await provision_service(admin, schema=schema, role=role, password="pw",
                                    extensions=("btree_gist",))

    async def connect(role: str) -> asyncpg.Connection:
        return await asyncpg.connect(libpq_url(database_url, username=role, password="pw"))

    yield roles, connect
    for schema, role in roles.items():
        await admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await admin.execute(f'DROP ROLE IF EXISTS "{role}"')
    await admin.close()


async def test_a_service_role_owns_its_schema_and_cannot_touch_another(two_services) -> None:
    roles, connect = two_services
    alpha, beta = await connect(roles["alpha"]), await connect(roles["beta"])
    try:
        await alpha.execute("CREATE TABLE patients_secret (id int)")  # search_path = alpha
        await alpha.execute("INSERT INTO alpha.patients_secret VALUES (1)")
        await beta.execute("CREATE TABLE beta.things (id int)")
        assert await alpha.fetchval("SELECT count(*) FROM alpha.patients_secret") == 1

        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await beta.fetch("SELECT * FROM alpha.patients_secret")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await beta.execute("CREATE TABLE alpha.planted (id int)")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await beta.execute("DELETE FROM alpha.patients_secret")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await beta.execute("CREATE TABLE public.planted (id int)")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await alpha.fetch("SELECT * FROM beta.things")
        # the administrator's extension is usable by a restricted role: an exclusion constraint
        await alpha.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        await alpha.execute("CREATE TABLE slots (doctor int, during tstzrange, "
                            "EXCLUDE USING gist (doctor WITH =, during WITH &&))")
    finally:
        await alpha.close()
        await beta.close()


async def test_unsafe_identifiers_are_refused(database_url) -> None:
    admin = await asyncpg.connect(libpq_url(database_url))
    try:
        with pytest.raises(ValueError):
            await provision_service(admin, schema='x"; DROP SCHEMA public; --', role="r",
                                    password=None)
    finally:
        await admin.close()
