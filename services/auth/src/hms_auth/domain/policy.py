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
    # Failures against one account from one address per window: then 429 for that pair only.
    account_address_failures: int = 5
    # Evaluated attempts from one address per window; sized for a hospital behind one NAT.
    address_failures: int = 100
    # Account-wide: failures over `account_window` slow every attempt on the account (growing
    # delays from `account_free_failures` on, up to `account_max_delay`); past the daily cap an
    # address gets one attempt per window instead of `account_address_failures` (NIST SP
    # 800-63B 5.2.2: at most 100 consecutive failures). The owner is slowed, never refused.
    account_window: timedelta = timedelta(days=1)
    account_free_failures: int = 5
    account_max_delay: timedelta = timedelta(seconds=5)
    account_daily_cap: int = 100
    # Self-registrations and contact changes from one address per window.
    registrations_per_address: int = 10
    # Reset codes a patient asks for by SMS: at most `reset_requests_per_phone` per number per
    # `reset_request_window` (more are answered alike and send nothing: nobody can SMS-bomb a
    # patient or spend the clinic's SMS budget), and `reset_requests_per_address` per address
    # per `throttle_window` (then 429).
    reset_requests_per_phone: int = 3
    reset_request_window: timedelta = timedelta(hours=1)
    reset_requests_per_address: int = 10
    client_time_max_age_days: int = 7  # an older offline write is refused (last_write)

    def account_delay(self, failures: int) -> float:
        """Seconds to wait before evaluating an attempt on an account with `failures`."""
        if failures < self.account_free_failures:
            return 0.0
        step = failures - self.account_free_failures
        return min(self.account_max_delay.total_seconds(), 0.25 * 2 ** min(step, 30))

    def account_address_limit(self, account_failures: int) -> int:
        if account_failures >= self.account_daily_cap:
            return 1
        return self.account_address_failures
