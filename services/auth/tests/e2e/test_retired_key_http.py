"""A key the operator's rotation retired stops verifying within seconds on a running API,
although auth's own JWKS cache (300 s) still holds it."""

from __future__ import annotations

import asyncio
import json
import time

from joserfc.util import urlsafe_b64decode

from hms_auth.entrypoints.cli import main
from hms_platform.testing.polling import eventually


def kid_of(token: str) -> str:
    return json.loads(urlsafe_b64decode(token.split(".")[0].encode()))["kid"]


async def test_a_token_signed_with_a_retired_key_is_refused_within_seconds(
        client, api, settings, monkeypatch, database_url) -> None:
    assert settings.jwks_cache_seconds == 300
    user, pair = await api.user_with_role("doctor")
    first = pair["access_token"]
    assert (await client.get("/api/auth/me", headers=api.bearer(first))).status_code == 200

    monkeypatch.setenv("AUTH_DATABASE_URL", database_url)
    assert await asyncio.to_thread(main, ["rotate-keys"]) == 0  # first key: previous
    second = (await api.tokens(user["username"], "staff-password"))["access_token"]
    assert await asyncio.to_thread(main, ["rotate-keys"]) == 0  # first key: retired
    third = (await api.tokens(user["username"], "staff-password"))["access_token"]
    assert len({kid_of(t) for t in (first, second, third)}) == 3

    statuses: list[int] = []
    started = time.monotonic()

    async def refused() -> bool:
        statuses.append((await client.get("/api/auth/me",
                                          headers=api.bearer(first))).status_code)
        return statuses[-1] != 200

    await eventually(refused, timeout=5, interval=0.2)
    assert statuses[-1] == 401 and time.monotonic() - started < 3  # the 2 s re-read, not 300 s
    for token in (second, third):  # previous and current keep verifying
        assert (await client.get("/api/auth/me", headers=api.bearer(token))).status_code == 200
