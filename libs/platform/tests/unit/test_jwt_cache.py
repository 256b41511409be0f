"""JwksCache: rotation, rate-limited refreshes, single flight, stale keys on failure."""

import asyncio
from typing import Any

import httpx
import pytest
from structlog.testing import capture_logs

from hms_platform.auth import HttpJwksSource, JwksCache, TokenVerifier, parse_jwks
from hms_platform.errors import ServiceUnavailable, Unauthorized
from hms_platform.revocation import SigningKeyIds
from hms_platform.testing.tokens import TokenFactory

pytestmark = pytest.mark.asyncio


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FakeSource:
    """Serves `jwks`, counts fetches, fails on demand, yields so concurrent callers pile up."""

    def __init__(self, jwks: dict[str, Any]) -> None:
        self.jwks = jwks
        self.fetches = 0
        self.fail = False

    async def fetch(self) -> dict[str, Any]:
        self.fetches += 1
        await asyncio.sleep(0)
        if self.fail:
            raise httpx.ConnectError("auth service down")
        return self.jwks


@pytest.fixture
def key_a() -> TokenFactory:
    return TokenFactory(kid="key-a")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


async def test_rotation_refreshes_on_unknown_kid(key_a, clock) -> None:
    key_b = TokenFactory(kid="key-b")
    source = FakeSource(key_a.jwks())
    cache = JwksCache(source, clock=clock)
    verifier = TokenVerifier(cache, issuer=key_a.issuer, audience=key_a.audience)
    await verifier.verify(key_a.issue())

    source.jwks = {"keys": [key_a.public_jwk(), key_b.public_jwk()]}
    clock.now += 60

    assert (await verifier.verify(key_b.issue(role="admin"))).role == "admin"
    assert (await verifier.verify(key_a.issue())).role == "patient"
    assert source.fetches == 2


async def test_unknown_kid_refreshes_are_rate_limited(key_a, clock) -> None:
    source = FakeSource(key_a.jwks())
    cache = JwksCache(source, min_refresh_interval=10, clock=clock)
    await cache.get_key("key-a")

    for step, kid in enumerate(["x1", "x2", "x3"]):
        clock.now += 3 * step
        with pytest.raises(Unauthorized):
            await cache.get_key(kid)
    assert source.fetches == 1

    clock.now += 10
    for kid in ["x4", "x5"]:
        with pytest.raises(Unauthorized):
            await cache.get_key(kid)
    assert source.fetches == 2


async def test_concurrent_misses_fetch_once(key_a, clock) -> None:
    source = FakeSource(key_a.jwks())
    cache = JwksCache(source, clock=clock)

    keys = await asyncio.gather(*(cache.get_key("key-a") for _ in range(20)))
    results = await asyncio.gather(
        *(cache.get_key(f"x{i}") for i in range(20)), return_exceptions=True
    )

    assert all(key.kid == "key-a" for key in keys)
    assert all(isinstance(result, Unauthorized) for result in results)
    assert source.fetches == 1


async def test_expired_set_is_refetched(key_a, clock) -> None:
    source = FakeSource(key_a.jwks())
    cache = JwksCache(source, ttl_seconds=300, clock=clock)
    await cache.get_key("key-a")

    clock.now += 301
    await cache.get_key("key-a")

    assert source.fetches == 2


async def test_failed_refresh_keeps_the_old_keys(key_a, clock) -> None:
    source = FakeSource(key_a.jwks())
    cache = JwksCache(source, ttl_seconds=300, clock=clock)
    await cache.get_key("key-a")
    source.fail = True
    clock.now += 301

    with capture_logs() as logs:
        key = await cache.get_key("key-a")

    assert key.kid == "key-a" and source.fetches == 2
    assert [entry["log_level"] for entry in logs if entry["event"] == "jwks_refresh_failed"] == [
        "warning"
    ]


async def test_no_keys_at_all_is_unavailable_not_unauthorized(clock) -> None:
    source = FakeSource({"keys": []})
    cache = JwksCache(source, clock=clock)

    with pytest.raises(ServiceUnavailable):
        await cache.get_key("key-a")


async def test_only_p256_signing_keys_are_taken(key_a) -> None:
    from joserfc.jwk import ECKey, OctKey, RSAKey

    others = [
        RSAKey.generate_key(2048, parameters={"kid": "rsa"}).as_dict(),
        OctKey.generate_key(256, parameters={"kid": "oct"}).as_dict(private=True),
        ECKey.generate_key("P-384", parameters={"kid": "p384"}).as_dict(),
        {**TokenFactory(kid="enc").public_jwk(), "use": "enc"},
        {key: value for key, value in TokenFactory().public_jwk().items() if key != "kid"},
        {"kty": "EC", "crv": "P-256", "kid": "broken", "x": "AA", "y": "AA"},
    ]
    private_a = key_a.key.as_dict(private=True)

    keys = parse_jwks({"keys": [private_a, *others, "junk"]})

    assert list(keys) == ["key-a"]
    assert not keys["key-a"].is_private


async def test_http_source_fetches_and_raises_on_error(key_a) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/jwks.json":
            return httpx.Response(200, json=key_a.jwks())
        return httpx.Response(503)

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        assert await HttpJwksSource("http://auth/jwks.json", client).fetch() == key_a.jwks()
        with pytest.raises(httpx.HTTPStatusError):
            await HttpJwksSource("http://auth/down", client).fetch()


async def test_a_retired_kid_is_refused_while_the_cache_still_holds_its_key(key_a, clock) -> None:
    key_b = TokenFactory(kid="key-b")
    source = FakeSource({"keys": [key_a.public_jwk(), key_b.public_jwk()]})
    verifier = TokenVerifier(JwksCache(source, clock=clock), issuer=key_a.issuer,
                             audience=key_a.audience)
    old = key_a.issue()
    assert (await verifier.verify(old)).role == "patient"  # verified and remembered

    rotated = SigningKeyIds(retired=frozenset({"key-a"}), live=frozenset({"key-b"}))
    with capture_logs() as logs, pytest.raises(Unauthorized):
        await verifier.verify(old, rotated)
    assert [e.get("reason") for e in logs] == ["signing key retired by rotation"]
    assert (await verifier.verify(key_b.issue(), rotated)).role == "patient"
    assert (await verifier.verify(old)).role == "patient"  # without key ids: the cache's word
    assert source.fetches == 1  # the cache was fresh and held key-b: nothing to refetch


async def test_an_announced_kid_the_cache_lacks_refetches_once_past_the_rate_limit(
        key_a, clock) -> None:
    key_b = TokenFactory(kid="key-b")
    source = FakeSource(key_a.jwks())
    cache = JwksCache(source, min_refresh_interval=10, clock=clock)
    verifier = TokenVerifier(cache, issuer=key_a.issuer, audience=key_a.audience)
    await verifier.verify(key_a.issue())
    with pytest.raises(Unauthorized):
        await cache.get_key("random-kid")  # a refresh attempt: the rate limit now holds
    assert source.fetches == 1

    source.jwks = {"keys": [key_b.public_jwk()]}
    rotated = SigningKeyIds(retired=frozenset({"key-a"}), live=frozenset({"key-b"}))
    for _ in range(3):  # announced once, refetched once, however many requests
        assert (await verifier.verify(key_b.issue(), rotated)).role == "patient"
    assert source.fetches == 2

    cache.announce(frozenset({"key-b", "key-c"}))  # a kid auth's JWKS does not serve (yet)
    for _ in range(3):
        with pytest.raises(Unauthorized):
            await cache.get_key("key-c")
    assert source.fetches == 3  # one refetch for the new announcement, then the rate limit
