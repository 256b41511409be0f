"""Races decided by the database: registrations, the first admin, keys, activation codes."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa

from hms_auth.domain.errors import AlreadyRegistered, InvalidActivationCode
from hms_auth.service_layer import commands as c

FORMATS = ["+254712345678", "0712345678", "0712 345 678", "+254 712-345-678", "254712345678"]


async def count(engine, sql: str) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(sa.text(sql)) or 0)


async def test_twenty_concurrent_registrations_of_one_phone_make_one_patient(
        db_bus, auth_engine) -> None:
    results = await asyncio.gather(*(
        db_bus.handle(c.RegisterPatient(FORMATS[n % 5], f"password-{n}", f"Patient {n}"))
        for n in range(20)), return_exceptions=True)
    created = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, AlreadyRegistered)]
    assert len(created) == 1 and len(refused) == 19
    assert {r.field for r in refused} == {"phone_number"}
    assert await count(auth_engine, "SELECT count(*) FROM auth.users") == 1
    assert await count(auth_engine, "SELECT count(*) FROM auth.outbox "
                                    "WHERE name = 'auth.user_registered.v1'") == 1


async def test_replicas_starting_together_create_one_admin_and_one_key(
        make_db_bus, auth_engine) -> None:
    buses = [await make_db_bus() for _ in range(3)]  # each ensures the signing key
    admins = await asyncio.gather(*(
        bus.handle(c.EnsureFirstAdmin("admin", "admin-password")) for bus in buses * 2))
    assert sum(a is not None for a in admins) == 1
    assert await count(auth_engine, "SELECT count(*) FROM auth.users WHERE role = 'admin'") == 1
    async with auth_engine.begin() as conn:
        await conn.execute(sa.text("DELETE FROM auth.signing_keys"))
    keys = await asyncio.gather(*(bus.handle(c.EnsureSigningKey()) for bus in buses * 2))
    assert len({k.kid for k in keys}) == 1
    assert await count(auth_engine, "SELECT count(*) FROM auth.signing_keys") == 1


async def test_one_activation_code_redeemed_twice_at_once_sets_one_password(db_bus) -> None:
    registration = await db_bus.handle(c.RegisterWalkInPatient("0712345678", "Walk In"))
    code = registration.activation_code
    results = await asyncio.gather(*(
        db_bus.handle(c.ActivatePatient("0712345678", code, f"password-{n}")) for n in range(2)),
        return_exceptions=True)
    assert sorted(type(r).__name__ for r in results) == ["InvalidActivationCode", "NoneType"]
    winner = results.index(None)
    assert await db_bus.handle(c.SignIn("0712345678", f"password-{winner}"))
    assert isinstance(results[1 - winner], InvalidActivationCode)


async def test_a_code_reissued_while_the_patient_activates_cannot_reset_the_password(
        db_bus, auth_engine) -> None:
    """The desk re-issues a code at the moment the patient activates. Either activation wins
    (the re-issue is refused) or the re-issue wins (the old code is void); never both, so no
    code is left that could replace the password the patient chose."""
    for n in range(6):
        phone = f"07123456{n:02d}"
        registration = await db_bus.handle(c.RegisterWalkInPatient(phone, f"Walk In {n}"))
        activate, reissue = await asyncio.gather(
            db_bus.handle(c.ActivatePatient(phone, registration.activation_code, "patient-pw")),
            db_bus.handle(c.IssueActivationCode(registration.user.id)),
            return_exceptions=True)
        if activate is None:
            assert type(reissue).__name__ == "AlreadyActivated", reissue
        else:
            assert isinstance(activate, InvalidActivationCode)
            await db_bus.handle(c.ActivatePatient(phone, reissue.activation_code, "patient-pw"))
            with pytest.raises(InvalidActivationCode):  # used: it cannot reset the password
                await db_bus.handle(
                    c.ActivatePatient(phone, reissue.activation_code, "desk-chosen-pw"))
        assert await db_bus.handle(c.SignIn(phone, "patient-pw"))
