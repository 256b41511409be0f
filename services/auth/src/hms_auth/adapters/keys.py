"""Signing keys: generated with joserfc, private halves encrypted with AES-GCM at rest."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from joserfc.jwk import ECKey
from sqlalchemy.ext.asyncio import AsyncConnection

from hms_auth.adapters.orm import signing_keys
from hms_auth.domain.keys import KeyStatus, SigningKey
from hms_platform.sealing import Sealer

KEYS_LOCK = 0x6175_7468_0000_0002
# (kid, retired) of every key: the API's verifier refuses a retired kid at once, whatever its
# JWKS cache still holds (hms_platform.revocation.SigningKeyList).
KEY_IDS = sa.select(signing_keys.c.kid, signing_keys.c.status == KeyStatus.RETIRED.value)


class KeyCipher(Sealer):
    """AES-256-GCM under the key-encryption key from settings (hms_platform.sealing). The kid
    is associated data, so a ciphertext copied onto another key's row does not decrypt."""

    what = "the key-encryption key"


def generate_signing_key(now: datetime) -> SigningKey:
    """A new EC P-256 key for ES256; its kid is the RFC 7638 thumbprint."""
    key = ECKey.generate_key("P-256", private=True)
    kid = key.thumbprint()
    public = dict(key.as_dict(private=False, use="sig", alg="ES256"))
    public["kid"] = kid
    return SigningKey(kid=kid, status=KeyStatus.CURRENT, public_jwk=public, created_at=now,
                      private_pem=key.as_pem(private=True))


class SqlSigningKeyRepository:
    def __init__(self, conn: AsyncConnection, cipher: KeyCipher) -> None:
        self.conn = conn
        self.cipher = cipher

    async def lock(self) -> None:
        await self.conn.execute(sa.select(sa.func.pg_advisory_xact_lock(KEYS_LOCK)))

    async def current(self) -> SigningKey | None:
        row = (await self.conn.execute(sa.select(signing_keys).where(
            signing_keys.c.status == KeyStatus.CURRENT.value))).mappings().first()
        return self._key(row, private=True) if row is not None else None

    async def published(self) -> Sequence[SigningKey]:
        rows = await self.conn.execute(
            sa.select(signing_keys)
            .where(signing_keys.c.status.in_([KeyStatus.CURRENT.value, KeyStatus.PREVIOUS.value]))
            .order_by(signing_keys.c.created_at.desc()))
        return [self._key(row, private=False) for row in rows.mappings()]

    async def add(self, key: SigningKey) -> None:
        if key.private_pem is None:
            raise ValueError("a new signing key needs its private half")
        await self.conn.execute(sa.insert(signing_keys).values(
            kid=key.kid, status=key.status.value, public_jwk=key.public_jwk,
            private_key=self.cipher.encrypt(key.private_pem, key.kid),
            created_at=key.created_at))

    async def save_status(self, key: SigningKey) -> None:
        values: dict[str, Any] = {"status": key.status.value}
        if key.status is KeyStatus.RETIRED:
            values["private_key"] = None
        await self.conn.execute(
            sa.update(signing_keys).where(signing_keys.c.kid == key.kid).values(values))

    def _key(self, row: Mapping[Any, Any], *, private: bool) -> SigningKey:
        blob = row["private_key"]
        pem = self.cipher.decrypt(blob, row["kid"]) if private and blob is not None else None
        return SigningKey(kid=row["kid"], status=KeyStatus(row["status"]),
                          public_jwk=dict(row["public_jwk"]), created_at=row["created_at"],
                          private_pem=pem)
