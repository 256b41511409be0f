"""AES-256-GCM under a key from settings, for secrets at rest or in transit between services:
auth's signing keys in its database, one-time codes in events (so that outboxes, the broker and
logs never hold them in clear). The context (a kid, a user id and purpose) is associated data:
a ciphertext copied elsewhere does not open."""

from __future__ import annotations

import base64
import binascii
import os
from typing import Self

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_NONCE = 12  # bytes, GCM's natural size (NIST SP 800-38D 8.2)
_VERSION = "v1."


class SealingError(ValueError):
    """The sealed text is malformed, was made under another key, or for another context."""


class Sealer:
    """``encrypt``/``decrypt`` bytes (nonce + ciphertext; a wrong key or context raises
    ``InvalidTag``); ``seal``/``open`` text as ``v1.<base64url>`` (raising ``SealingError``)."""

    what = "the key"  # named in errors, e.g. "the key-encryption key"

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError(f"{self.what} must be 32 bytes")
        self._aead = AESGCM(key)

    @classmethod
    def from_base64(cls, encoded: str) -> Self:
        try:
            return cls(base64.b64decode(encoded, validate=True))
        except (binascii.Error, ValueError):
            raise ValueError(f"{cls.what} must be the base64 of 32 bytes") from None

    def encrypt(self, plaintext: bytes, context: str) -> bytes:
        nonce = os.urandom(_NONCE)
        return nonce + self._aead.encrypt(nonce, plaintext, context.encode())

    def decrypt(self, blob: bytes, context: str) -> bytes:
        return self._aead.decrypt(blob[:_NONCE], blob[_NONCE:], context.encode())

    def seal(self, secret: str, context: str) -> str:
        blob = self.encrypt(secret.encode("utf-8"), context)
        return _VERSION + base64.urlsafe_b64encode(blob).decode("ascii").rstrip("=")

    def open(self, sealed: str, context: str) -> str:
        if not sealed.startswith(_VERSION):
            raise SealingError("unknown sealing version")
        body = sealed[len(_VERSION):]
        try:
            blob = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            return self.decrypt(blob, context).decode()
        except (binascii.Error, ValueError, InvalidTag):
            raise SealingError("the sealed text does not open with this key and context") from None
