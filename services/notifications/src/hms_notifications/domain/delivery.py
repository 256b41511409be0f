"""What a provider's answer means (outcomes), and when to try again (backoff with jitter,
honouring a provider's Retry-After)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Sent:
    provider_id: str
    dead_tokens: tuple[str, ...] = ()  # push: devices that did not take it (dropped)


@dataclass(frozen=True)
class Retry:
    """A temporary failure (timeout, 429, 5xx, connection refused)."""

    reason: str
    retry_after: float | None = None  # seconds, from the provider


@dataclass(frozen=True)
class Failed:
    """A permanent failure (400, invalid number, refused address): trying again cannot help."""

    reason: str


@dataclass(frozen=True)
class Undeliverable:
    """A push with no live device: the dead tokens are dropped and SMS takes over."""

    reason: str
    dead_tokens: tuple[str, ...] = ()


Outcome = Sent | Retry | Failed | Undeliverable


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    base: timedelta = timedelta(seconds=2)
    cap: timedelta = timedelta(minutes=10)
    jitter: float = 0.5  # the delay is scaled by a random factor in [1 - jitter, 1]
    max_retry_after: timedelta = timedelta(hours=1)

    def delay(self, attempts: int, retry_after: float | None,
              rand: Callable[[], float]) -> timedelta | None:
        """How long to wait after ``attempts`` tries, or None: give up."""
        if attempts >= self.max_attempts:
            return None
        backoff = min(self.cap, self.base * (2 ** max(0, attempts - 1)))
        backoff *= 1 - self.jitter * rand()
        if retry_after is not None:
            asked = min(self.max_retry_after, timedelta(seconds=max(0.0, retry_after)))
            backoff = max(backoff, asked)
        return backoff
