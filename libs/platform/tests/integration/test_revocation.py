"""Revoked access tokens, and tokens signed with a key auth's rotation dropped, are refused by a
service's own dependency, from its own tables."""

from __future__ import annotations

import functools
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import sqlalchemy as sa
from fastapi import FastAPI

from hms_contracts.auth import SessionsRevoked, SigningKeyRotated
from hms_platform.auth import CurrentUser, JwksCache, TokenVerifier
from hms_platform.revocation import (
    RevocationList,
    SigningKeyList,
    record_sessions_revoked,
    record_signing_key_rotated,
    revocation_table,
    signing_key_table,
)
from hms_platform.testing.tokens import TokenFactory
from hms_platform.web import create_service_app

SCHEMA = "revocation_demo"


class OpenUnitOfWork:
    """What the inbox hands a handler: a unit of work with an open connection."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection


async def make_table(engine: Any, make: Any = revocation_table) -> sa.Table:
    table = make(sa.MetaData(), SCHEMA)
    async with engine.begin() as conn:
        await conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        await conn.execute(sa.text(f'CREATE SCHEMA "{SCHEMA}"'))
        await conn.run_sync(lambda sync: table.metadata.create_all(sync, tables=[table]))
    return table


async def deliver(engine: Any, table: sa.Table, user_id: uuid.UUID, at: datetime) -> None:
    event = SessionsRevoked(user_id=user_id, not_before=at, reason="logout")
    async with engine.begin() as conn:
        await record_sessions_revoked(event, OpenUnitOfWork(conn), table)


async def me_status(client: httpx.AsyncClient, token: str) -> int:
    """The status of the demo app's ``/api/demo/me`` with this bearer token."""
    response = await client.get("/api/demo/me", headers={"Authorization": f"Bearer {token}"})
    return response.status_code


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
        status = functools.partial(me_status, client)

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


class CountingJwks:
    """auth's JWKS endpoint: the published keys, and how often they were fetched."""

    def __init__(self, *factories: TokenFactory) -> None:
        self.publish(*factories)
        self.fetches = 0

    def publish(self, *factories: TokenFactory) -> None:
        self.jwks = {"keys": [f.public_jwk() for f in factories]}

    async def fetch(self) -> dict[str, Any]:
        self.fetches += 1
        return self.jwks


async def test_a_key_dropped_by_rotation_is_refused_while_the_jwks_cache_is_fresh(
        engine) -> None:
    table = await make_table(engine, signing_key_table)
    old, current, new = (TokenFactory(kid=k) for k in ("k1", "k2", "k3"))
    jwks = CountingJwks(current, old)  # k2 signs, k1 still verifies
    jwks_clock, ticks = [0.0], [0.0]
    verifier = TokenVerifier(JwksCache(jwks, ttl_seconds=300, clock=lambda: jwks_clock[0]),
                             issuer=old.issuer, audience=old.audience)
    app: FastAPI = create_service_app("demo", prefix="/api/demo", token_verifier=verifier)
    app.state.signing_keys = SigningKeyList.of(engine, table, refresh_seconds=2,
                                               monotonic=lambda: ticks[0])

    @app.get("/api/demo/me")
    async def me(user: CurrentUser) -> dict[str, str]:
        return {"id": str(user.user_id)}

    async def rotated(kid: str, previous: str, retired: list[str]) -> None:
        event = SigningKeyRotated(kid=kid, previous_kid=previous, retired_kids=retired)
        async with engine.begin() as conn:  # what the service's consumer does
            await record_signing_key_rotated(event, OpenUnitOfWork(conn), table)

    signed_by_old = old.issue()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app),
                                 base_url="http://demo") as client:
        status = functools.partial(me_status, client)

        assert await status(signed_by_old) == 200 and await status(current.issue()) == 200
        assert jwks.fetches == 1

        # auth rotates: k3 current, k2 previous, k1 dropped; its consumer records that.
        jwks.publish(new, current)
        await rotated("k3", "k2", ["k1"])
        ticks[0] += 2.5  # the API's re-read interval (as for revocations); the JWKS cache:
        assert jwks_clock[0] == 0.0  # still fresh for 300 s, still holding k1
        assert await status(signed_by_old) == 401
        assert await status(old.issue()) == 401  # nor a fresh token from the dropped key
        assert await status(current.issue()) == 200  # previous: verifies until retired
        assert await status(new.issue()) == 200
        assert jwks.fetches == 2  # refetched once, on the announcement of k3

        await rotated("k2", "k1", [])  # an older rotation, delivered late
        ticks[0] += 2.5
        assert await status(signed_by_old) == 401  # retired stays retired
        assert jwks.fetches == 2
    async with engine.connect() as conn:
        stored = dict((await conn.execute(sa.select(table.c.kid, table.c.retired))).all())
    assert stored == {"k1": True, "k2": False, "k3": False}
    async with engine.begin() as conn:
        await conn.execute(sa.text(f'DROP SCHEMA "{SCHEMA}" CASCADE'))
