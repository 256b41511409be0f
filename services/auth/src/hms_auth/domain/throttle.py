"""Fixed-window counting of failed attempts, per account and per client address."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Scope(StrEnum):
    ACCOUNT = "account"  # sign-in failures against one account (or one unknown name)
    ADDRESS = "address"  # failures of any kind from one client address
    ACTIVATION = "activation"  # wrong activation codes against one phone number


@dataclass(frozen=True)
class ThrottleState:
    window_start: datetime
    failures: int

    def live(self, now: datetime, window: timedelta) -> bool:
        return now < self.window_start + window

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
