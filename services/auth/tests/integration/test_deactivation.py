"""A deactivated user can neither sign in nor refresh, and their sessions are revoked."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from hms_auth.domain.errors import InvalidCredentials, InvalidRefreshToken
from hms_auth.service_layer import commands as c


async def test_deactivation_ends_sign_in_and_refresh_and_is_published(
        db_bus, auth_engine) -> None:
    staff = await db_bus.handle(c.CreateStaffUser("dr.otieno", "password-1", "doctor", "Dr O",
                                                  department="ENT", room="4"))
    sessions = [await db_bus.handle(c.SignIn("dr.otieno", "password-1")) for _ in range(2)]
    await db_bus.handle(c.UpdateUser(staff.id, {"active": False}))

    with pytest.raises(InvalidCredentials):
        await db_bus.handle(c.SignIn("dr.otieno", "password-1"))
    for pair in sessions:
        with pytest.raises(InvalidRefreshToken):
            await db_bus.handle(c.RefreshSession(pair.refresh_token))
    async with auth_engine.connect() as conn:
        reasons = (await conn.execute(sa.text(
            "SELECT revoked_reason FROM auth.refresh_families"))).scalars().all()
        names = (await conn.execute(sa.text(
            "SELECT name FROM auth.outbox ORDER BY id"))).scalars().all()
        active = await conn.scalar(sa.text("SELECT active FROM auth.users"))
    assert reasons == ["deactivated", "deactivated"] and active is False
    assert names[-2:] == ["auth.user_deactivated.v1", "auth.login_failed.v1"]

    await db_bus.handle(c.UpdateUser(staff.id, {"active": True}))
    assert await db_bus.handle(c.SignIn("dr.otieno", "password-1"))
