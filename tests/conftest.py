"""Whole-system fixtures: a fresh database where each service has its own login role."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg
import pytest
import pytest_asyncio
from sqlalchemy.engine import make_url

from hms_platform.pgurl import libpq_url
from hms_platform.provision import provision_service
from hms_system.manifest import SYSTEM

SERVICES = SYSTEM.names  # the manifest's services: each gets its own role
PASSWORD = "pw"


@dataclass(frozen=True)
class ProvisionedDatabase:
    url: str  # the database as the administrator (asyncpg URL)
    roles: dict[str, str]  # schema -> the service's login role

    def url_for(self, schema: str) -> str:
        """The asyncpg URL a service uses: its own role."""
        url = make_url(self.url).set(username=self.roles[schema], password=PASSWORD)
        return url.render_as_string(hide_password=False)

    async def connect_as(self, schema: str) -> asyncpg.Connection:
        return await asyncpg.connect(libpq_url(self.url_for(schema)))


@contextlib.asynccontextmanager
async def provisioned_database(postgres_url: str) -> AsyncIterator[ProvisionedDatabase]:
    """Roles and schemas as `python -m hms_platform.provision` makes them; nothing migrated.
    The database and the roles are dropped afterwards."""
    tag = uuid.uuid4().hex[:6]
    name, roles = f"hms_roles_{tag}", {s: f"hms_t{tag}_{s}" for s in SERVICES}
    admin = await asyncpg.connect(libpq_url(postgres_url))
    await admin.execute(f'CREATE DATABASE "{name}"')
    db = ProvisionedDatabase(
        make_url(postgres_url).set(database=name).render_as_string(hide_password=False), roles)
    try:
        conn = await asyncpg.connect(libpq_url(db.url))
        try:
            for schema, role in roles.items():
                await provision_service(conn, schema=schema, role=role, password=PASSWORD)
        finally:
            await conn.close()
        yield db
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        for role in roles.values():
            await admin.execute(f'DROP ROLE IF EXISTS "{role}"')
        await admin.close()


@pytest.fixture
async def provisioned(postgres_url: str) -> AsyncIterator[ProvisionedDatabase]:
    """A provisioned database for one test."""
    async with provisioned_database(postgres_url) as db:
        yield db


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def module_provisioned(postgres_url: str) -> AsyncIterator[ProvisionedDatabase]:
    """One provisioned database for a module's tests (which share one event loop), for a
    system whose start-up is worth sharing."""
    async with provisioned_database(postgres_url) as db:
        yield db
