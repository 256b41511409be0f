"""Fixed-window counting of attempts: per account and address, per address, per account."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Scope(StrEnum):
    # Sign-in failures against one account (or one unknown name) from one address: the hard
    # limit. Keyed by both, so nobody can lock an owner out from somewhere else.
    ACCOUNT_ADDRESS = "account_address"
    ADDRESS = "address"  # evaluated attempts from one client address (a hospital's NAT too)
    # Failures against one account from anywhere, over a day: slows sign-in, never refuses
    # an address that has not failed against the account (see AuthPolicy.account_delay).
    ACCOUNT = "account"
    ACTIVATION = "activation"  # wrong one-time codes against one account or phone number
    REGISTRATION = "registration"  # self-registrations and contact changes from one address
    # Self-service reset codes asked for (each one an SMS): per phone number, whether or not
    # an account uses it, and per client address.
    RESET_PHONE = "reset_phone"
    RESET_ADDRESS = "reset_address"
    # Sign-ins a limit refused, counted per window and reported once per window (never one
    # audit event per refused attempt: those cost an attacker nothing).
    REFUSED = "refused"


@dataclass(frozen=True)
class ThrottleState:
    window_start: datetime
    failures: int

    def live(self, now: datetime, window: timedelta) -> bool:
        return now < self.window_start + window

    def count(self, now: datetime, window: timedelta) -> int:
        """Attempts counted in the window that is open at `now` (0 once it has passed)."""
        return self.failures if self.live(now, window) else 0

    def retry_after(self, now: datetime, window: timedelta, limit: int) -> int:
        """Whole seconds until another attempt is allowed; 0 when it is allowed now."""
        if not self.live(now, window) or self.failures < limit:
            return 0
        return max(1, math.ceil((self.window_start + window - now).total_seconds()))


def after_failure(state: ThrottleState | None, now: datetime, window: timedelta) -> ThrottleState:
    """The state after one more failure: a failure after the window has passed opens a new one.

    The SQL upsert in adapters/throttle.py does the same in one atomic statement.
    """
    if state is None or not state.live(now, window):
        return ThrottleState(window_start=now, failures=1)
    return ThrottleState(window_start=state.window_start, failures=state.failures + 1)


def after_refusal(state: ThrottleState | None, now: datetime,
                  window: timedelta) -> tuple[ThrottleState, ThrottleState | None]:
    """Count one refused attempt: the new state, and the window it closed (its final count, to
    be reported) when the last one has passed. adapters/throttle.py does it under a row lock."""
    if state is None:
        return ThrottleState(window_start=now, failures=1), None
    if not state.live(now, window):
        return ThrottleState(window_start=now, failures=1), state
    return ThrottleState(state.window_start, state.failures + 1), None


@dataclass(frozen=True)
class Refusal:
    """What a REFUSED counter counts: attempts refused by `limit` (account_address or address)
    for one subject (an account id, a digest of an unknown name, or none) from one address."""

    limit: str
    subject: str
    ip: str

    @property
    def key(self) -> str:
        return f"{self.limit}|{self.subject}|{self.ip}"

    @classmethod
    def from_key(cls, key: str) -> Refusal:
        limit, subject, ip = key.split("|", 2)
        return cls(limit, subject, ip)

    @property
    def user_id(self) -> uuid.UUID | None:
        """The account, when the subject is a known one (see guard.subject_key)."""
        if not self.subject.startswith("id:"):
            return None
        try:
            return uuid.UUID(self.subject[3:])
        except ValueError:
            return None
