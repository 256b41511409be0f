"""Signing keys: the first one at startup, rotation by the operator, the public JWKS."""

from __future__ import annotations

from typing import Any

import structlog

from hms_auth.domain.events import SigningKeyRotated
from hms_auth.domain.keys import KeyStatus, SigningKey, rotate
from hms_auth.service_layer.commands import EnsureSigningKey, GetJwks, RotateSigningKeys
from hms_auth.service_layer.ports import KeyGenerator, UnitOfWork
from hms_platform.clock import Clock

log = structlog.get_logger(__name__)


async def ensure_signing_key(cmd: EnsureSigningKey, uow: UnitOfWork, new_key: KeyGenerator,
                             clock: Clock) -> SigningKey:
    """The current key, created on first start; replicas queue on a lock and re-check."""
    async with uow:
        if (key := await uow.signing_keys.current()) is not None:
            return key
        await uow.signing_keys.lock()
        if (key := await uow.signing_keys.current()) is not None:
            return key
        key = new_key(clock.now())
        await uow.signing_keys.add(key)
        await uow.commit()
    log.info("signing_key.created", kid=key.kid)
    return key


async def rotate_signing_keys(cmd: RotateSigningKeys, uow: UnitOfWork,
                              new_key: KeyGenerator, clock: Clock) -> SigningKey:
    """New key current, current previous (still verifies), previous retired. Tokens signed
    with the old current key stay valid until they expire, as long as rotations are at least
    one access-token lifetime apart."""
    async with uow:
        await uow.signing_keys.lock()
        keys = list(await uow.signing_keys.published())
        new = new_key(clock.now())
        changed = rotate(keys, new)
        for key in changed:
            if key is new:
                await uow.signing_keys.add(key)
            else:
                await uow.signing_keys.save_status(key)
        previous = next((k.kid for k in changed if k.status is KeyStatus.PREVIOUS), None)
        retired = tuple(k.kid for k in changed if k.status is KeyStatus.RETIRED)
        uow.emit(SigningKeyRotated(new.kid, previous, retired))
        await uow.commit()
    log.info("signing_key.rotated", kid=new.kid,
             previous=[k.kid for k in keys if k.status is KeyStatus.PREVIOUS])
    return new


async def get_jwks(cmd: GetJwks, uow: UnitOfWork) -> dict[str, Any]:
    async with uow:
        keys = await uow.signing_keys.published()
    return {"keys": [dict(key.public_jwk) for key in keys]}
