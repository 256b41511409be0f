"""The verifier remembers tokens it has verified, but never past their time or a key change."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
from joserfc import jwt

from hms_platform.auth import JwksCache, TokenVerifier
from hms_platform.errors import Unauthorized
from hms_platform.testing.tokens import TokenFactory


class SwitchableSource:
    def __init__(self, jwks: dict[str, Any]) -> None:
        self.jwks, self.fetches = jwks, 0

    async def fetch(self) -> dict[str, Any]:
        self.fetches += 1
        return self.jwks




@pytest.fixture
def tokens() -> TokenFactory:
    return TokenFactory(kid="key-a")


async def test_a_known_token_skips_the_signature_but_still_expires(tokens, monkeypatch) -> None:
    now = [time.time()]
    verifier = TokenVerifier(JwksCache(SwitchableSource(tokens.jwks())), issuer=tokens.issuer,
                             audience=tokens.audience, clock=lambda: now[0])
    decoded = []
    real_decode = jwt.decode
    monkeypatch.setattr("hms_platform.auth.verifier.jwt.decode",
                        lambda *a, **k: decoded.append(1) or real_decode(*a, **k))
    token = tokens.issue(uuid.uuid4(), expires_in=60)
    first = await verifier.verify(token)
    for _ in range(5):
        assert await verifier.verify(token) == first
    assert len(decoded) == 1  # verified once
    now[0] += 60 + 31  # past exp and the 30 s leeway
    with pytest.raises(Unauthorized):
        await verifier.verify(token)


async def test_a_key_change_makes_every_token_verified_again(tokens) -> None:
    source = SwitchableSource(tokens.jwks())
    cache = JwksCache(source, ttl_seconds=0, min_refresh_interval=0)
    verifier = TokenVerifier(cache, issuer=tokens.issuer, audience=tokens.audience)
    token = tokens.issue(uuid.uuid4())
    assert await verifier.verify(token)
    other = TokenFactory(kid="key-a")  # the same kid, another key: a rotation gone wrong
    source.jwks = other.jwks()
    with pytest.raises(Unauthorized):  # not served from the cache
        await verifier.verify(token)
    assert source.fetches >= 2


async def test_a_tampered_copy_of_a_known_token_is_refused(tokens) -> None:
    verifier = TokenVerifier(JwksCache(SwitchableSource(tokens.jwks())), issuer=tokens.issuer,
                             audience=tokens.audience)
    token = tokens.issue(uuid.uuid4(), role="patient")
    assert (await verifier.verify(token)).role == "patient"
    header, _payload, signature = token.split(".")
    forged = tokens.issue(uuid.uuid4(), role="admin").split(".")[1]
    with pytest.raises(Unauthorized):
        await verifier.verify(f"{header}.{forged}.{signature}")
