"""What a provider's answer means (outcomes), when to try again (backoff with jitter,
honouring a provider's Retry-After), and what its later delivery reports change."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from hms_notifications.domain.model import DELIVERED, SENT, UNDELIVERED, Message

# Twilio's MessageStatus values in the order a message passes through them. A report only
# moves a message forward: an earlier stage, a second final one (delivered, undelivered,
# failed, canceled) or the same one again changes nothing, so a replayed callback is harmless.
TWILIO_STAGES = {"accepted": 0, "scheduled": 0, "queued": 1, "sending": 2, "sent": 3,
                 "delivered": 4, "undelivered": 4, "failed": 4, "canceled": 4, "read": 5}
_TWILIO_FINAL = {"delivered": DELIVERED, "undelivered": UNDELIVERED, "failed": UNDELIVERED}


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


def combine(outcomes: Sequence[Outcome]) -> Outcome:
    """One push to several devices (or through several push services): sent if any device
    took it (the dead ones dropped all the same), else a retry if any asked for one, else
    undeliverable if every device is dead (SMS takes over), else the first failure."""
    dead = tuple(t for o in outcomes if isinstance(o, Sent | Undeliverable) for t in o.dead_tokens)
    sent = [o for o in outcomes if isinstance(o, Sent)]
    if sent:
        return Sent(sent[0].provider_id, dead)
    retry = [o for o in outcomes if isinstance(o, Retry)]
    if retry:
        return retry[0]
    failed = [o for o in outcomes if isinstance(o, Failed)]
    if failed:
        return failed[0]
    return Undeliverable("push: no live device", dead)


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


def report_status(message: Message, status: str, error_code: str | None = None) -> bool:
    """Apply Twilio's report ``status`` to ``message``; False (nothing changed) unless it moves
    the message forward. Only a ``sent`` message becomes delivered or undelivered."""
    stage = TWILIO_STAGES.get(status)
    if stage is None or stage <= TWILIO_STAGES.get(message.provider_status or "", -1):
        return False
    message.provider_status = status
    if status in _TWILIO_FINAL and message.status == SENT:
        message.status = _TWILIO_FINAL[status]
        if error_code and message.status == UNDELIVERED:
            message.last_error = f"twilio error {error_code}"
    return True
