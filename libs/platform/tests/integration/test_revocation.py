"""Revoked access tokens are refused by a service's own dependency, from its own table."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import sqlalchemy as sa
from fastapi import FastAPI

from hms_contracts.auth import SessionsRevoked
from hms_platform.auth import CurrentUser
from hms_platform.revocation import RevocationList, record_sessions_revoked, revocation_table
from hms_platform.testing.tokens import TokenFactory
from hms_platform.web import create_service_app

SCHEMA = "revocation_demo"


class OpenUnitOfWork:
    """What the inbox hands a handler: a unit of work with an open connection."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection


async def make_table(engine: Any) -> sa.Table:
    table = revocation_table(sa.MetaData(), SCHEMA)
    async with engine.begin() as conn:
        await conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        await conn.execute(sa.text(f'CREATE SCHEMA "{SCHEMA}"'))
        await conn.run_sync(lambda sync: table.metadata.create_all(sync, tables=[table]))
    return table


async def deliver(engine: Any, table: sa.Table, user_id: uuid.UUID, at: datetime) -> None:
    event = SessionsRevoked(user_id=user_id, not_before=at, reason="logout")
    async with engine.begin() as conn:
        await record_sessions_revoked(event, OpenUnitOfWork(conn), table)


async def test_a_token_issued_before_the_revocation_is_refused(engine) -> None:
    table = await make_table(engine)
    tokens = TokenFactory()
    verifier = tokens.verifier()
    app: FastAPI = create_service_app("demo", prefix="/api/demo", token_verifier=verifier)
    ticks = [0.0]
    app.state.revocations = RevocationList(engine, table, refresh_seconds=2,
                                           monotonic=lambda: ticks[0])

    @app.get("/api/demo/me")
    async def me(user: CurrentUser) -> dict[str, str]:
        return {"id": str(user.user_id)}

    victim, bystander = uuid.uuid4(), uuid.uuid4()
    now = datetime.now(UTC)
    old = tokens.issue(victim, extra_claims={"iat": (now - timedelta(minutes=5)).timestamp()})
    newer = tokens.issue(victim, extra_claims={"iat": (now + timedelta(seconds=1)).timestamp()})
    other = tokens.issue(bystander)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app),
                                 base_url="http://demo") as client:
        async def status(token: str) -> int:
            response = await client.get("/api/demo/me",
                                        headers={"Authorization": f"Bearer {token}"})
            return response.status_code

        assert await status(old) == 200  # loads the (empty) list
        await deliver(engine, table, victim, now)
        assert await status(old) == 200  # cached: re-read only once it is 2 s old
        ticks[0] += 2.5
        assert await status(old) == 401
        assert await status(newer) == 200 and await status(other) == 200
        await deliver(engine, table, victim, now - timedelta(hours=1))  # late, older event
        ticks[0] += 2.5
        assert await status(old) == 401  # the later instant is kept
        no_iat = tokens.issue(victim, extra_claims={"iat": None})
        assert await status(no_iat) == 401  # a token that cannot be placed in time
    async with engine.connect() as conn:
        stored = await conn.scalar(sa.select(table.c.not_before))
    assert stored == now
    async with engine.begin() as conn:
        await conn.execute(sa.text(f'DROP SCHEMA "{SCHEMA}" CASCADE'))
