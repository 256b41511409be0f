"""VAPID (RFC 8292): the server's P-256 key, its public half (the app subscribes with it as
``applicationServerKey``), and each push's ``Authorization: vapid t=<JWT>, k=<public key>``,
an ES256 JWT for the push service's origin (``aud``), valid 12 hours (``exp``; RFC 8292 allows
at most 24), naming whom to contact (``sub``). One token per origin is reused until an hour
before it expires."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from joserfc import jwt
from joserfc.jwk import ECKey

LIFETIME = 12 * 3600  # seconds a token is valid
RENEW_BEFORE = 3600  # a cached token is replaced this long before it expires


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    text = text.strip()
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def load_private_key(text: str) -> ec.EllipticCurvePrivateKey:
    """A PEM private key, or the raw 32-byte private value in base64url (as web-push tools
    print it); ValueError unless it is a P-256 key."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(text.encode(), password=None)
    else:
        try:
            raw = b64url_decode(text)
        except ValueError:
            raise ValueError("the VAPID key is neither PEM nor base64url") from None
        if len(raw) != 32:
            raise ValueError("a raw VAPID key is 32 bytes (base64url)")
        key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ValueError("the VAPID key must be a P-256 (prime256v1) key")
    return key


def new_private_key() -> str:
    """A fresh key, raw in base64url (what NOTIFICATIONS_VAPID_PRIVATE_KEY takes)."""
    value = ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value
    return b64url(value.to_bytes(32, "big"))


def public_key(key: ec.EllipticCurvePrivateKey) -> str:
    """The uncompressed public point in base64url: the app's ``applicationServerKey``."""
    return b64url(key.public_key().public_bytes(serialization.Encoding.X962,
                                                serialization.PublicFormat.UncompressedPoint))


class Vapid:
    def __init__(self, private_key: str, subject: str, *,
                 clock: Callable[[], float] = time.time) -> None:
        key = load_private_key(private_key)
        self._jwk = ECKey.import_key(key)
        self.public_key = public_key(key)
        self.subject = subject
        self._clock = clock
        self._tokens: dict[str, tuple[str, int]] = {}

    def authorization(self, origin: str) -> str:
        """The header value for a push to ``origin`` (scheme://host[:port])."""
        now = self._clock()
        token, expires = self._tokens.get(origin, ("", 0))
        if expires - now < RENEW_BEFORE:
            expires = int(now) + LIFETIME
            token = jwt.encode({"typ": "JWT", "alg": "ES256"},
                               {"aud": origin, "exp": expires, "sub": self.subject},
                               self._jwk, algorithms=["ES256"])
            self._tokens[origin] = (token, expires)
        return f"vapid t={token}, k={self.public_key}"
