"""Refresh rotation, reuse detection and the row lock, on Postgres."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa

from hms_auth.domain.errors import InvalidRefreshToken, RefreshTokenReused
from hms_auth.domain.refresh import hash_refresh_token
from hms_auth.service_layer import commands as c


@pytest.fixture
async def signed_in(db_bus):
    user = await db_bus.handle(c.RegisterPatient("0712345678", "password-1", "Amina"))
    return user, await db_bus.handle(c.SignIn("0712345678", "password-1", "10.1.1.1"))


async def families(engine) -> list[tuple[object, ...]]:
    async with engine.connect() as conn:
        return list(await conn.execute(sa.text(
            "SELECT id, revoked_reason FROM auth.refresh_families")))


async def test_rotation_then_reuse_revokes_the_family_and_raises_the_alarm(
        db_bus, auth_engine, signed_in) -> None:
    user, pair = signed_in
    second = await db_bus.handle(c.RefreshSession(pair.refresh_token))
    third = await db_bus.handle(c.RefreshSession(second.refresh_token))
    with pytest.raises(RefreshTokenReused):
        await db_bus.handle(c.RefreshSession(pair.refresh_token))
    [(family_id, reason)] = await families(auth_engine)
    assert reason == "reuse"
    with pytest.raises(InvalidRefreshToken):
        await db_bus.handle(c.RefreshSession(third.refresh_token))
    async with auth_engine.connect() as conn:
        bodies = (await conn.execute(sa.text(
            "SELECT body FROM auth.outbox WHERE name = "
            "'auth.refresh_token_reuse_detected.v1'"))).scalars().all()
        stored = (await conn.execute(sa.text(
            "SELECT token_hash FROM auth.refresh_tokens"))).scalars().all()
    assert [b["payload"] for b in bodies] == [
        {"user_id": str(user.id), "family_id": str(family_id)}]
    assert hash_refresh_token(pair.refresh_token) in stored
    assert pair.refresh_token not in stored  # only hashes are kept


async def test_two_concurrent_refreshes_with_one_token_let_exactly_one_through(
        db_bus, auth_engine, signed_in) -> None:
    _, pair = signed_in
    token_hash = hash_refresh_token(pair.refresh_token)
    async with auth_engine.connect() as blocker:
        # Hold the token's row so that both refreshes are in flight at the same moment.
        await blocker.execute(sa.text("SELECT 1 FROM auth.refresh_tokens "
                                      "WHERE token_hash = :h FOR UPDATE"), {"h": token_hash})
        attempts = [asyncio.create_task(db_bus.handle(c.RefreshSession(pair.refresh_token)))
                    for _ in range(2)]
        await asyncio.sleep(0.3)
        assert not any(task.done() for task in attempts)  # both wait on the lock
        await blocker.rollback()
    results = await asyncio.gather(*attempts, return_exceptions=True)
    assert sorted(type(r).__name__ for r in results) == ["RefreshTokenReused", "TokenPair"]
    assert [reason for _, reason in await families(auth_engine)] == ["reuse"]


async def test_logout_revokes_only_that_sign_in(db_bus, auth_engine, signed_in) -> None:
    user, pair = signed_in
    other = await db_bus.handle(c.SignIn("+254712345678", "password-1"))
    await db_bus.handle(c.SignOut(user.id, pair.refresh_token))
    with pytest.raises(InvalidRefreshToken):
        await db_bus.handle(c.RefreshSession(pair.refresh_token))
    assert await db_bus.handle(c.RefreshSession(other.refresh_token))
    assert sorted(str(r) for _, r in await families(auth_engine)) == ["None", "logout"]
