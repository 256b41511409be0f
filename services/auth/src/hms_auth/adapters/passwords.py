"""Argon2id through pwdlib, off the event loop."""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher


class Argon2PasswordHasher:
    """Defaults are pwdlib's (argon2-cffi's RFC 9106 low-memory profile); tests pass cheap ones.

    Hashing runs in a worker thread: at production cost it takes tens of milliseconds, which
    would otherwise stall every other request on the event loop.
    """

    def __init__(self, time_cost: int | None = None, memory_cost: int | None = None,
                 parallelism: int | None = None) -> None:
        options: dict[str, Any] = {name: value for name, value in (
            ("time_cost", time_cost), ("memory_cost", memory_cost), ("parallelism", parallelism),
        ) if value is not None}
        self._hash = PasswordHash((Argon2Hasher(**options),))
        # Verified against when the user is unknown, so that the answer takes as long.
        self._dummy = self._hash.hash(secrets.token_urlsafe(16))

    async def hash(self, secret: str) -> str:
        return await asyncio.to_thread(self._hash.hash, secret)

    async def verify(self, secret: str, hashed: str | None) -> tuple[bool, str | None]:
        if hashed is None:
            await asyncio.to_thread(self._hash.verify, secret, self._dummy)
            return False, None
        return await asyncio.to_thread(self._hash.verify_and_update, secret, hashed)
