"""Where the signing keys come from: a JWKS document, fetched and cached."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any, Protocol

import httpx
import structlog
from joserfc.errors import JoseError
from joserfc.jwk import ECKey

from hms_platform.errors import ServiceUnavailable, Unauthorized

log = structlog.get_logger(__name__)

INVALID_TOKEN = "Invalid or expired access token."


def invalid_token(detail: str = INVALID_TOKEN) -> Unauthorized:
    """An Unauthorized carrying the RFC 6750 section 3 challenge for a rejected bearer token."""
    return Unauthorized(detail, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})


class JwksSource(Protocol):
    """Anything that can produce a JWKS document (RFC 7517 section 5)."""

    async def fetch(self) -> dict[str, Any]: ...


class HttpJwksSource:
    """Fetches the JWKS from a URL, e.g. the auth service's `/.well-known/jwks.json`."""

    def __init__(
        self, url: str, client: httpx.AsyncClient | None = None, timeout: float = 5.0
    ) -> None:
        self.url = url
        self._client = client
        self._timeout = timeout

    async def fetch(self) -> dict[str, Any]:
        """GET the document; raises on a non-2xx answer or a body that is not a JSON object."""
        if self._client is not None:
            response = await self._client.get(self.url, timeout=self._timeout)
        else:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                response = await client.get(self.url)
        response.raise_for_status()
        document = response.json()
        if not isinstance(document, dict):
            raise ValueError("JWKS is not a JSON object")
        return document


class StaticJwksSource:
    """A fixed JWKS: for tests, and for a service verifying the tokens it issues itself."""

    def __init__(self, jwks: dict[str, Any]) -> None:
        self.jwks = jwks

    async def fetch(self) -> dict[str, Any]:
        """Return the document given at construction."""
        return self.jwks


def parse_jwks(document: dict[str, Any]) -> dict[str, ECKey]:
    """The usable signing keys of a JWKS by kid: EC P-256 public keys meant for signatures.

    Anything else (RSA, oct, encryption keys, keys without a kid) is skipped: the verifier
    accepts only ES256, so other keys could only serve an algorithm-confusion attack (RFC 8725
    section 3.1). Private members are dropped, should a JWKS ever carry them.
    """
    keys: dict[str, ECKey] = {}
    for jwk in document.get("keys") or []:
        if not isinstance(jwk, dict) or jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
            continue
        kid = jwk.get("kid")
        if not isinstance(kid, str) or not kid or jwk.get("use", "sig") != "sig":
            continue
        if jwk.get("alg", "ES256") != "ES256":
            continue
        public: dict[str, Any] = {name: jwk.get(name) for name in ("kty", "crv", "x", "y", "kid")}
        try:
            keys[kid] = ECKey.import_key(public)
        except (JoseError, ValueError, TypeError):
            log.warning("jwks_key_skipped", kid=kid)
    return keys


class JwksCache:
    """Signing keys by kid, refreshed on expiry or on an unknown kid, at a bounded rate, and
    once when a rotation announces a kid the cache does not hold (:meth:`announce`)."""

    def __init__(
        self,
        source: JwksSource,
        ttl_seconds: float = 300,
        min_refresh_interval: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._source = source
        self._ttl = ttl_seconds
        self._min_interval = min_refresh_interval
        self._clock = clock
        self._keys: dict[str, ECKey] | None = None
        self._fetched_at = 0.0
        self._last_attempt: float | None = None
        self._lock = asyncio.Lock()
        self._announced: frozenset[str] = frozenset()
        self._rotated = False  # a kid was announced that the cached set lacks

    def announce(self, kids: frozenset[str]) -> None:
        """The kids auth says are in use since its last rotation. When one is missing from the
        cached keys, the next lookup refetches the JWKS, before the TTL and past the rate
        limit: once per announcement, not once per request."""
        if kids == self._announced:
            return
        self._announced = kids
        if self._keys is not None and not kids <= self._keys.keys():
            self._rotated = True

    def _fresh(self) -> bool:
        return (not self._rotated and self._keys is not None
                and self._clock() - self._fetched_at < self._ttl)

    async def get_key(self, kid: str) -> ECKey:
        """The public key for `kid`; Unauthorized when the (refreshed) set does not hold it."""
        if self._fresh() and self._keys is not None and kid in self._keys:
            return self._keys[kid]
        async with self._lock:
            # Another request may have refreshed while this one waited for the lock.
            if not (self._fresh() and self._keys is not None and kid in self._keys):
                await self._maybe_refresh()
            if self._keys is None:
                raise ServiceUnavailable("Token signing keys are unavailable.")
            key = self._keys.get(kid)
        if key is None:
            raise invalid_token()
        return key

    async def _maybe_refresh(self) -> None:
        now = self._clock()
        # Bounded so that tokens with random kids cannot turn auth into a JWKS flood.
        if (not self._rotated and self._last_attempt is not None
                and now - self._last_attempt < self._min_interval):
            return
        self._rotated = False
        self._last_attempt = now
        try:
            keys = parse_jwks(await self._source.fetch())
            if not keys:
                raise ValueError("JWKS holds no usable ES256 key")
        except Exception as exc:
            log.warning("jwks_refresh_failed", error=repr(exc), kept_cached=self._keys is not None)
            return
        self._keys = keys
        self._fetched_at = self._clock()
