"""How many event streams one holder may keep open in this API process: a signed-in user
(``QUEUE_STREAMS_PER_USER``, by the token's subject) and a screen link
(``QUEUE_STREAMS_PER_DISPLAY``, by a digest of the link). The stream beyond the cap is refused
(429 with Retry-After) before it starts; a slot is given back when its stream ends, however
it ends (finished, client gone, server stopping)."""

from __future__ import annotations

from collections import Counter

from hms_platform.errors import PlatformError

RETRY_AFTER_SECONDS = 10


class TooManyStreams(PlatformError):
    status = 429
    title = "Too Many Requests"
    type = "https://hms.example/problems/too-many-streams"

    def __init__(self, limit: int) -> None:
        super().__init__(f"At most {limit} open streams at a time: close one and try again.",
                         headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
                         retry_after=RETRY_AFTER_SECONDS)


class StreamSlot:
    """One open stream's place; ``release`` gives it back (once, however often called)."""

    def __init__(self, limits: StreamLimits, key: str) -> None:
        self._limits, self._key = limits, key
        self._held = True

    def release(self) -> None:
        if self._held:
            self._held = False
            self._limits._release(self._key)


class StreamLimits:
    """Open streams per holder key (``user:<id>``, ``display:<digest>``), in this process."""

    def __init__(self) -> None:
        self._open: Counter[str] = Counter()

    def open(self, key: str) -> int:
        return self._open[key]

    def acquire(self, key: str, limit: int) -> StreamSlot:
        """A slot for one more stream of ``key``, or ``TooManyStreams`` at ``limit``."""
        if self._open[key] >= limit:
            raise TooManyStreams(limit)
        self._open[key] += 1
        return StreamSlot(self, key)

    def _release(self, key: str) -> None:
        self._open[key] -= 1
        if self._open[key] <= 0:
            del self._open[key]
