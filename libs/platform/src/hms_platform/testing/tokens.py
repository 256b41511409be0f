"""Access tokens for tests: valid ones, and the forgeries every service must refuse.

Signing is done by hand (not through `joserfc.jwt.encode`) so that tests can build headers a
careful library would refuse to produce, such as `alg: none` or an injected `jwk`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import uuid
from collections.abc import Callable
from typing import Any, Literal

from joserfc.jwk import ECKey, Key
from joserfc.jws import JWSRegistry
from joserfc.util import urlsafe_b64decode, urlsafe_b64encode

from hms_platform.auth import JwksCache, StaticJwksSource, TokenVerifier

DEFAULT_ISSUER = "https://hms.test/auth"
DEFAULT_AUDIENCE = "hms"
Signer = Callable[[bytes], bytes]


def _b64(data: bytes) -> str:
    return urlsafe_b64encode(data).decode("ascii")


def _json_b64(value: Any) -> str:
    return _b64(json.dumps(value, separators=(",", ":")).encode())


class TokenFactory:
    """An EC P-256 signing key with a kid, and tokens made with it (or against it).

    By default the key is generated; pass `key` (a private EC P-256 key) and its `kid` to
    build valid tokens and the attack matrix around a service's real signing key.
    """

    def __init__(
        self,
        kid: str | None = None,
        *,
        issuer: str = DEFAULT_ISSUER,
        audience: str = DEFAULT_AUDIENCE,
        key: ECKey | None = None,
    ) -> None:
        self.kid = kid or (key.kid if key is not None else None) or f"test-{secrets.token_hex(4)}"
        self.issuer = issuer
        self.audience = audience
        self.key = key or ECKey.generate_key("P-256", parameters={"kid": self.kid}, private=True)

    def public_jwk(self) -> dict[str, Any]:
        """The public key as a JWK, with `kid`, `use: sig` and `alg: ES256`."""
        return dict(self.key.as_dict(private=False, use="sig", alg="ES256"))

    def verifier(self) -> TokenVerifier:
        """A verifier that trusts this factory's key, issuer and audience, as a service's
        would trust auth's."""
        return TokenVerifier(JwksCache(StaticJwksSource(self.jwks())), issuer=self.issuer,
                             audience=self.audience)

    def jwks(self) -> dict[str, Any]:
        """A JWKS document holding the public key only."""
        return {"keys": [self.public_jwk()]}

    def public_pem(self) -> bytes:
        """The public key in PEM, as an attacker would download it."""
        return self.key.as_pem(private=False)

    def claims(
        self,
        sub: str | uuid.UUID | None = None,
        role: str | None = "patient",
        issuer: str | None = None,
        audience: str | list[str] | None = None,
        expires_in: int = 900,
        not_before: int | None = None,
        extra_claims: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """An access token's claims; an `extra_claims` value of None removes that claim."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": issuer or self.issuer,
            "aud": audience or self.audience,
            "sub": str(sub or uuid.uuid4()),
            "role": role,
            "iat": now,
            "exp": now + expires_in,
            "jti": secrets.token_hex(8),
            "client_id": "hms-test",
        }
        if not_before is not None:
            claims["nbf"] = not_before
        return _merged(claims, extra_claims)

    def issue(
        self,
        sub: str | uuid.UUID | None = None,
        role: str | None = "patient",
        *,
        headers: dict[str, Any] | None = None,
        alg: str = "ES256",
        key: Key | None = None,
        typ: str | None = "at+jwt",
        **claim_args: Any,
    ) -> str:
        """A signed access token with the claims of :meth:`claims` (``claim_args`` are its
        keywords); `headers` add or (with None) remove header members, `key` signs instead of
        this factory's key (keeping this factory's kid unless overridden)."""
        claims = self.claims(sub, role, **claim_args)
        header = _merged({"alg": alg, "typ": typ, "kid": self.kid}, headers)
        signer = key or self.key
        return encode(header, claims, lambda data: JWSRegistry.algorithms[alg].sign(data, signer))

    def headers(self, ids: dict[str, uuid.UUID],
                roles: dict[str, str] | None = None) -> dict[str, dict[str, str]]:
        """A cast's request headers by name: each a bearer token for its id, with its role in
        ``roles`` (by default its name), and ``anonymous`` with none."""
        role = roles or {}
        headers = {who: {"Authorization": f"Bearer {self.issue(ids[who], role.get(who, who))}"}
                   for who in ids}
        return {**headers, "anonymous": {}}

    def issue_hs256_with_public_key(
        self, form: Literal["pem", "jwk"] = "pem", **claim_args: Any
    ) -> str:
        """The algorithm-confusion forgery: HS256 keyed with the public key (PEM or JWK JSON)."""
        secret = self.public_pem() if form == "pem" else json.dumps(self.public_jwk()).encode()
        header = {"alg": "HS256", "typ": "at+jwt", "kid": self.kid}

        def sign(data: bytes) -> bytes:
            return hmac.new(secret, data, hashlib.sha256).digest()

        return encode(header, self.claims(**claim_args), sign)

    def unsigned(self, **claim_args: Any) -> str:
        """An `alg: none` token with an empty signature."""
        header = {"alg": "none", "typ": "at+jwt", "kid": self.kid}
        return encode(header, self.claims(**claim_args), lambda data: b"")

    def attack_tokens(self, role: str = "admin") -> dict[str, str]:
        """The token attacks every service must refuse with 401, forgeries and misuses by
        name, to parametrise tests with."""
        attacker = ECKey.generate_key("P-256", parameters={"kid": self.kid}, private=True)
        now = int(time.time())
        return {
            "alg_none": self.unsigned(role=role),
            "hs256_public_pem": self.issue_hs256_with_public_key("pem", role=role),
            "hs256_public_jwk": self.issue_hs256_with_public_key("jwk", role=role),
            "expired": self.issue(role=role, expires_in=-300),
            "not_yet_valid": self.issue(role=role, not_before=now + 300),
            "wrong_issuer": self.issue(role=role, issuer="https://evil.example/auth"),
            "wrong_audience": self.issue(role=role, audience="another-api"),
            "opaque_refresh_token": secrets.token_urlsafe(32),
            "refresh_jwt": self.issue(role=role, typ="refresh+jwt"),
            "missing_typ": self.issue(role=role, typ=None),
            "unknown_kid": self.issue(role=role, headers={"kid": "no-such-kid"}),
            "missing_kid": self.issue(role=role, headers={"kid": None}),
            "jku_header": self.issue(role=role, headers={"jku": "https://evil.example/jwks"}),
            "x5u_header": self.issue(role=role, headers={"x5u": "https://evil.example/cert"}),
            "jwk_header": self.issue(
                role=role, key=attacker, headers={"jwk": attacker.as_dict(private=False)}
            ),
            "crit_header": self.issue(role=role, headers={"crit": ["exp"], "exp": now + 900}),
            "tampered_role": tamper(self.issue(role="patient"), role=role),
            "same_kid_other_key": self.issue(role=role, key=attacker),
            "missing_sub": self.issue(role=role, extra_claims={"sub": None}),
            "non_uuid_sub": self.issue("alice", role=role),
            "bad_role": self.issue(role="superuser"),
            "garbage": "not-a-token",
            "empty": "",
            "four_parts": self.issue(role=role) + ".AAAA",
        }


def encode(header: dict[str, Any], claims: dict[str, Any], sign: Signer) -> str:
    """A compact JWS of `header` and `claims`, signed by `sign(signing_input) -> bytes`."""
    signing_input = f"{_json_b64(header)}.{_json_b64(claims)}"
    return f"{signing_input}.{_b64(sign(signing_input.encode('ascii')))}"


def tamper(token: str, **changes: Any) -> str:
    """The token with claims changed and the original signature kept."""
    header, payload, signature = token.split(".")
    claims = json.loads(urlsafe_b64decode(payload.encode("ascii")))
    return f"{header}.{_json_b64(_merged(claims, changes))}.{signature}"


def _merged(base: dict[str, Any], changes: dict[str, Any] | None) -> dict[str, Any]:
    merged = {**base, **(changes or {})}
    return {name: value for name, value in merged.items() if value is not None}
