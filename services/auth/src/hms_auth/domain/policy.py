"""The service's time limits and throttle limits, as the domain sees them (set from settings)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class AuthPolicy:
    access_token_ttl: timedelta = timedelta(minutes=15)
    refresh_idle_ttl: timedelta = timedelta(days=7)
    refresh_absolute_ttl: timedelta = timedelta(days=30)
    activation_code_ttl: timedelta = timedelta(hours=24)
    throttle_window: timedelta = timedelta(minutes=15)
    account_failures: int = 5
    address_failures: int = 20
