"""The JWKS endpoint and key rotation while the API is serving."""

from __future__ import annotations

import asyncio
import json

from joserfc.util import urlsafe_b64decode

from hms_auth.entrypoints.cli import main


def kid_of(token: str) -> str:
    return json.loads(urlsafe_b64decode(token.split(".")[0].encode()))["kid"]


async def test_rotating_keys_under_a_running_api_keeps_old_tokens_working(
        client, api, monkeypatch, database_url) -> None:
    jwks = await client.get("/api/auth/.well-known/jwks.json")
    assert jwks.status_code == 200 and jwks.headers["cache-control"] == "public, max-age=300"
    [first] = jwks.json()["keys"]
    assert (first["kty"], first["crv"], first["alg"], first["use"]) == ("EC", "P-256", "ES256",
                                                                       "sig")
    assert "d" not in first
    user, pair = await api.user_with_role("doctor")
    old_token = pair["access_token"]
    assert kid_of(old_token) == first["kid"]

    monkeypatch.setenv("AUTH_DATABASE_URL", database_url)
    assert await asyncio.to_thread(main, ["rotate-keys"]) == 0  # the operator's command

    keys = [k["kid"] for k in (await client.get("/api/auth/.well-known/jwks.json")).json()["keys"]]
    assert len(keys) == 2 and keys[1] == first["kid"]
    new_token = (await api.tokens(user["username"], "staff-password"))["access_token"]
    assert kid_of(new_token) == keys[0]
    for token in (old_token, new_token):
        me = await client.get("/api/auth/me", headers=api.bearer(token))
        assert me.status_code == 200 and me.json()["id"] == user["id"]
