"""Argon2id through pwdlib, off the event loop, with a bounded number at once."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from hms_auth.domain.errors import ServiceBusy

T = TypeVar("T")


class HashingSlots:
    """At most `concurrency` hashes run at once (each in a worker thread) and at most
    `max_waiting` callers wait for a slot; one more gets ServiceBusy at once.

    Argon2 costs tens of milliseconds and megabytes per hash by design: a flood of sign-ins
    must not queue without bound behind it (each waiting request would hold its client until
    a timeout) nor run unbounded in parallel (memory).
    """

    def __init__(self, concurrency: int, max_waiting: int) -> None:
        if concurrency < 1 or max_waiting < 0:
            raise ValueError("concurrency must be >= 1 and max_waiting >= 0")
        self._slots = asyncio.Semaphore(concurrency)
        self._max_waiting = max_waiting
        self._waiting = 0
        self.refused = 0  # since start, for tests and metrics

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        if self._slots.locked():
            if self._waiting >= self._max_waiting:
                self.refused += 1
                raise ServiceBusy(retry_after=1)
            self._waiting += 1
            try:
                await self._slots.acquire()
            finally:
                self._waiting -= 1
        else:
            await self._slots.acquire()
        try:
            return await asyncio.to_thread(fn, *args)
        finally:
            self._slots.release()


class Argon2PasswordHasher:
    """Defaults are pwdlib's (argon2-cffi's RFC 9106 low-memory profile); tests pass cheap ones."""

    def __init__(self, time_cost: int | None = None, memory_cost: int | None = None,
                 parallelism: int | None = None, *, concurrency: int = 2,
                 max_waiting: int = 16) -> None:
        options: dict[str, Any] = {name: value for name, value in (
            ("time_cost", time_cost), ("memory_cost", memory_cost), ("parallelism", parallelism),
        ) if value is not None}
        self._hash = PasswordHash((Argon2Hasher(**options),))
        # Verified against when the user is unknown, so that the answer takes as long.
        self._dummy = self._hash.hash(secrets.token_urlsafe(16))
        self.slots = HashingSlots(concurrency, max_waiting)

    async def hash(self, secret: str) -> str:
        return await self.slots.run(self._hash.hash, secret)

    async def verify(self, secret: str, hashed: str | None) -> tuple[bool, str | None]:
        if hashed is None:
            await self.slots.run(self._hash.verify, secret, self._dummy)
            return False, None
        return await self.slots.run(self._hash.verify_and_update, secret, hashed)
