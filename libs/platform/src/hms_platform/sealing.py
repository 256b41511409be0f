"""Short secrets (one-time codes) sealed for another service: AES-256-GCM under a key the two
share through settings, so that outboxes, the broker and logs never hold them in clear."""

from __future__ import annotations

import base64
import binascii
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_NONCE = 12  # bytes, GCM's natural size (NIST SP 800-38D 8.2)
_VERSION = "v1."


class SealingError(ValueError):
    """The sealed text is malformed, was made under another key, or for another context."""


class Sealer:
    """``seal(secret, context)`` -> ``v1.<base64url>``; ``open`` reverses it. The context
    (e.g. the user id and purpose) is authenticated data: a sealed code copied into another
    user's event does not open."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the code key must be 32 bytes")
        self._aead = AESGCM(key)

    @classmethod
    def from_base64(cls, encoded: str) -> Sealer:
        try:
            return cls(base64.b64decode(encoded, validate=True))
        except (binascii.Error, ValueError):
            raise ValueError("the code key must be the base64 of 32 bytes") from None

    def seal(self, secret: str, context: str) -> str:
        nonce = os.urandom(_NONCE)
        blob = nonce + self._aead.encrypt(nonce, secret.encode("utf-8"), context.encode())
        return _VERSION + base64.urlsafe_b64encode(blob).decode("ascii").rstrip("=")

    def open(self, sealed: str, context: str) -> str:
        if not sealed.startswith(_VERSION):
            raise SealingError("unknown sealing version")
        body = sealed[len(_VERSION):]
        try:
            blob = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            return self._aead.decrypt(blob[:_NONCE], blob[_NONCE:], context.encode()).decode()
        except (binascii.Error, ValueError, InvalidTag):
            raise SealingError("the sealed text does not open with this key and context") from None
