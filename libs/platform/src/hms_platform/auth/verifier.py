"""Access-token verification: one place where every service decides who is calling."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import structlog
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.util import urlsafe_b64decode

from hms_platform.auth.jwks import JwksCache, invalid_token
from hms_platform.roles import ROLES, STAFF

if TYPE_CHECKING:
    from hms_platform.revocation import SigningKeyIds

log = structlog.get_logger(__name__)

VERIFIED_CACHE_SIZE = 4096
# Headers that point at a key or widen processing: the key comes from our JWKS only, by kid
# (RFC 8725 section 3.10; `crit` would oblige us to understand extensions we do not support).
FORBIDDEN_HEADERS = frozenset({"jku", "jwk", "x5u", "x5c", "crit"})
MAX_TOKEN_LENGTH = 8192


class _Rejected(ValueError):
    """A rule of ours refused the token; the message names the rule, for the log only."""


@dataclass(frozen=True)
class Principal:
    """The authenticated caller: a user id, a role and the verified claims."""

    user_id: uuid.UUID
    role: str
    claims: Mapping[str, Any] = field(hash=False, repr=False)

    @property
    def issued_at(self) -> float | None:
        """The token's `iat` (seconds, possibly fractional), or None when it has none."""
        iat = self.claims.get("iat")
        return float(iat) if isinstance(iat, int | float) and not isinstance(iat, bool) else None

    @property
    def is_staff(self) -> bool:
        """Admins and receptionists act on other people's records."""
        return self.role in STAFF


def _parse_header(token: str) -> dict[str, Any]:
    parts = token.split(".") if isinstance(token, str) else []
    if len(parts) != 3 or not all(parts) or len(token) > MAX_TOKEN_LENGTH:
        raise _Rejected("not a compact JWS")
    try:
        header = json.loads(urlsafe_b64decode(parts[0].encode("ascii")))
    except (ValueError, RecursionError):
        raise _Rejected("header is not base64url JSON") from None
    if not isinstance(header, dict):
        raise _Rejected("header is not a JSON object")
    return header


def _typ_matches(typ: object, expected: str) -> bool:
    if not isinstance(typ, str):
        return False
    typ = typ.lower()
    # RFC 9068 section 2.1: "at+jwt"; RFC 7515 section 4.1.9 allows the "application/" prefix.
    return typ.removeprefix("application/") == expected.lower()


class TokenVerifier:
    """Verifies ES256 access tokens (RFC 9068 profile) against keys from a JwksCache."""

    def __init__(
        self,
        cache: JwksCache,
        issuer: str,
        audience: str,
        algorithms: Collection[str] = ("ES256",),
        leeway: int = 30,
        token_type: str = "at+jwt",
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not algorithms or "none" in algorithms or any(a.startswith("HS") for a in algorithms):
            raise ValueError("only asymmetric signature algorithms may be allowed")
        self._cache = cache
        self._issuer = issuer
        self._audience = audience
        self._algorithms = list(algorithms)
        self._leeway = leeway
        self._token_type = token_type
        self._clock = clock
        # Tokens whose signature and claims were checked, by token: the signature check is the
        # dearest part of a request, and a client sends the same token until it expires.
        self._verified: dict[str, tuple[object, Principal]] = {}
        # Built once: it reads the clock when it validates, so it holds no per-token state.
        self._claims = jwt.JWTClaimsRegistry(
            now=lambda: int(self._clock()),
            leeway=self._leeway,
            iss={"essential": True, "value": self._issuer},
            aud={"essential": True, "value": self._audience},
            exp={"essential": True},
            sub={"essential": True},
        )

    def for_type(self, token_type: str) -> TokenVerifier:
        """A verifier of another type of token signed by the same keys, issuer and audience
        (auth's patient vouchers, ``hms-patient+jwt``): each verifier accepts its own type only,
        so a voucher never passes as an access token, nor an access token as a voucher."""
        return TokenVerifier(self._cache, self._issuer, self._audience, self._algorithms,
                             self._leeway, token_type, self._clock)

    def _check_header(self, header: Mapping[str, Any]) -> str:
        # Allow-list the algorithm before any key is touched (RFC 8725 section 3.1).
        if header.get("alg") not in self._algorithms:
            raise _Rejected("algorithm not allowed")
        if FORBIDDEN_HEADERS.intersection(header):
            raise _Rejected("forbidden header")
        # Explicit typing keeps refresh and ID tokens out (RFC 8725 section 3.11, RFC 9068 4).
        if not _typ_matches(header.get("typ"), self._token_type):
            raise _Rejected("wrong token type")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise _Rejected("no kid")
        return kid

    async def verify(self, token: str, keys: SigningKeyIds | None = None) -> Principal:
        """Return the caller of a valid access token; raise Unauthorized for anything else.

        ``keys``: the key ids auth's rotations announced (hms_platform.revocation): a token
        signed with a retired key is refused even while the JWKS cache still holds that key,
        and a kid the cache lacks makes it refetch the JWKS."""
        try:
            kid = self._check_header(_parse_header(token))
            if keys is not None and kid in keys.retired:
                raise _Rejected("signing key retired by rotation")
        except _Rejected as exc:
            raise _reject(exc) from None
        if keys is not None:
            self._cache.announce(keys.live)
        key = await self._cache.get_key(kid)
        known = self._verified.get(token)
        # A token verified before with this very key object (a JWKS refresh makes new ones,
        # so a rotation re-verifies everything) skips the signature, never the time claims.
        if known is not None and known[0] is key and self._in_time(known[1]):
            return known[1]
        try:
            claims = jwt.decode(token, key, algorithms=self._algorithms).claims
            self._claims.validate(claims)
            principal = _principal(claims)
        except (JoseError, ValueError) as exc:
            raise _reject(exc) from None
        if len(self._verified) >= VERIFIED_CACHE_SIZE:
            self._verified.pop(next(iter(self._verified)))  # the oldest entry
        self._verified[token] = (key, principal)
        return principal

    def _in_time(self, principal: Principal) -> bool:
        now = self._clock()
        exp, nbf = principal.claims.get("exp"), principal.claims.get("nbf")
        if not isinstance(exp, int | float) or now >= exp + self._leeway:
            return False
        return not isinstance(nbf, int | float) or now >= nbf - self._leeway


def _reject(exc: Exception) -> Exception:
    # The reason goes to the log, never to the caller, and the token itself goes nowhere.
    reason = str(exc) if isinstance(exc, _Rejected | JoseError) else type(exc).__name__
    log.info("token_rejected", reason=reason)
    return invalid_token()


def _principal(claims: dict[str, Any]) -> Principal:
    sub, role = claims.get("sub"), claims.get("role")
    if not isinstance(sub, str) or str(uuid.UUID(sub)) != sub.lower():
        raise _Rejected("sub is not a UUID")
    if not isinstance(role, str) or role not in ROLES:
        raise _Rejected("unknown role")
    return Principal(user_id=uuid.UUID(sub), role=role, claims=MappingProxyType(dict(claims)))
