"""Access tokens: ES256 JWTs in the RFC 9068 profile that hms_platform's TokenVerifier expects."""

from __future__ import annotations

import math
import uuid
from datetime import datetime, timedelta

from joserfc import jwt
from joserfc.jwk import ECKey

from hms_auth.domain.keys import SigningKey

VOUCHER_TYPE = "hms-patient+jwt"


class JwtSigner:
    def __init__(self, issuer: str, audience: str) -> None:
        self.issuer = issuer
        self.audience = audience
        # Parsed private keys by kid: parsing the PEM for every token would add up.
        self._keys: dict[str, ECKey] = {}

    def sign(self, key: SigningKey, *, subject: uuid.UUID, role: str, now: datetime,
             ttl: timedelta) -> str:
        issued = int(now.timestamp())
        # iat to the millisecond (a NumericDate may be fractional, RFC 7519 section 2), never
        # rounded up: revocation refuses tokens issued before an instant, and a sign-in right
        # after a logout must not fall on the wrong side of it.
        iat = math.floor(now.timestamp() * 1000) / 1000
        claims = {
            "iss": self.issuer, "aud": self.audience, "sub": str(subject), "role": role,
            "iat": iat, "nbf": issued, "exp": issued + int(ttl.total_seconds()),
            "jti": uuid.uuid4().hex,
        }
        # typ at+jwt (RFC 9068 section 2.1) keeps ID and refresh tokens out of the verifiers.
        header = {"alg": "ES256", "kid": key.kid, "typ": "at+jwt"}
        return jwt.encode(header, claims, self._private(key), algorithms=["ES256"])

    def voucher(self, key: SigningKey, *, patient_id: uuid.UUID, full_name: str, now: datetime,
                ttl: timedelta) -> str:
        issued = int(now.timestamp())
        claims = {
            "iss": self.issuer, "aud": self.audience, "sub": str(patient_id), "role": "patient",
            "full_name": full_name, "iat": issued, "nbf": issued,
            "exp": issued + int(ttl.total_seconds()), "jti": uuid.uuid4().hex,
        }
        # Its own typ: the access-token verifiers refuse it, the queue's voucher verifier
        # accepts nothing else (hms_platform TokenVerifier.for_type).
        header = {"alg": "ES256", "kid": key.kid, "typ": VOUCHER_TYPE}
        return jwt.encode(header, claims, self._private(key), algorithms=["ES256"])

    def _private(self, key: SigningKey) -> ECKey:
        cached = self._keys.get(key.kid)
        if cached is None:
            if key.private_pem is None:
                raise ValueError(f"signing key {key.kid} has no private half")
            cached = ECKey.import_key(key.private_pem, {"kid": key.kid})
            if len(self._keys) > 8:  # only current and previous matter; keep it bounded
                self._keys.clear()
            self._keys[key.kid] = cached
        return cached
