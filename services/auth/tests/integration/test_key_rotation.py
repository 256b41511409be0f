"""Signing keys in Postgres: encrypted at rest, rotated without breaking live tokens."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from joserfc.util import urlsafe_b64decode

from hms_auth.adapters.keys import KeyCipher
from hms_auth.service_layer import commands as c
from hms_platform.auth import JwksCache, StaticJwksSource, TokenVerifier
from hms_platform.errors import Unauthorized


def kid_of(token: str) -> str:
    return json.loads(urlsafe_b64decode(token.split(".")[0].encode()))["kid"]


async def verify(bus, settings, token: str):
    """As another service would: a fresh verifier over the JWKS auth publishes now."""
    jwks = await bus.handle(c.GetJwks())
    verifier = TokenVerifier(JwksCache(StaticJwksSource(jwks)), issuer=settings.jwt_issuer,
                             audience=settings.jwt_audience)
    return await verifier.verify(token)


async def test_rotation_keeps_old_tokens_valid_and_signs_new_ones_with_the_new_kid(
        db_bus, settings, auth_engine) -> None:
    await db_bus.handle(c.RegisterPatient("0712345678", "password-1", "Amina"))
    first_key = await db_bus.handle(c.EnsureSigningKey())
    old = (await db_bus.handle(c.SignIn("0712345678", "password-1"))).access_token
    assert kid_of(old) == first_key.kid

    second_key = await db_bus.handle(c.RotateSigningKeys())
    new = (await db_bus.handle(c.SignIn("0712345678", "password-1"))).access_token
    assert kid_of(new) == second_key.kid != first_key.kid
    jwks = await db_bus.handle(c.GetJwks())
    assert [k["kid"] for k in jwks["keys"]] == [second_key.kid, first_key.kid]
    assert all(set(k) >= {"kty", "crv", "x", "y", "kid"} and "d" not in k for k in jwks["keys"])
    assert (await verify(db_bus, settings, old)).role == "patient"
    assert (await verify(db_bus, settings, new)).role == "patient"

    await db_bus.handle(c.RotateSigningKeys())  # the first key is retired now
    with pytest.raises(Unauthorized):
        await verify(db_bus, settings, old)
    assert (await verify(db_bus, settings, new)).role == "patient"
    async with auth_engine.connect() as conn:
        rows = dict((await conn.execute(sa.text(
            "SELECT kid, status || ':' || (private_key IS NOT NULL) FROM auth.signing_keys"
        ))).all())
    assert rows[first_key.kid] == "retired:false"
    assert rows[second_key.kid] == "previous:true"


async def test_private_keys_are_stored_encrypted(db_bus, settings, auth_engine) -> None:
    key = await db_bus.handle(c.EnsureSigningKey())
    async with auth_engine.connect() as conn:
        blob = await conn.scalar(sa.text(
            "SELECT private_key FROM auth.signing_keys WHERE kid = :kid"), {"kid": key.kid})
    assert b"PRIVATE KEY" not in blob
    cipher = KeyCipher.from_base64(settings.key_encryption_key.get_secret_value())
    assert cipher.decrypt(blob, key.kid) == key.private_pem
