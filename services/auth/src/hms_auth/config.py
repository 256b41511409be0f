"""Settings of the auth service: env vars `AUTH_*`, plus `HMS_ADMIN_USERNAME/PASSWORD`."""

from __future__ import annotations

import base64
import binascii
import os
from datetime import timedelta

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from hms_auth.domain.policy import AuthPolicy
from hms_platform.settings import ServiceSettings, secret, service_config

# base64 of 32 bytes; the platform refuses to start outside dev/test while it is unchanged.
DEV_KEY_ENCRYPTION_KEY = "aG1zLWRldi1vbmx5LWtleS1lbmNyeXB0aW9uLWtleSE="
DEV_CODE_ENCRYPTION_KEY = "aG1zLWRldi1vbmx5LWNvZGUtZW5jcnlwdGlvbi1rZXk="


class AuthSettings(ServiceSettings):
    # validate_by_name: tests and the embedded run pass admin_username=...; the environment
    # still uses the HMS_ADMIN_* names, shared by every way of running the system.
    model_config = service_config("AUTH_") | SettingsConfigDict(validate_by_name=True)

    service_name: str = "auth"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)

    access_token_ttl_seconds: int = Field(default=900, ge=60, le=86_400)
    refresh_idle_ttl_seconds: int = Field(default=7 * 86_400, ge=60)
    refresh_absolute_ttl_seconds: int = Field(default=30 * 86_400, ge=60)
    activation_code_ttl_seconds: int = Field(default=86_400, ge=60)

    throttle_window_seconds: int = Field(default=900, ge=1)
    # Per (account, address) and per address, each window; see AuthPolicy for the reasoning.
    throttle_account_address_failures: int = Field(default=5, ge=1)
    throttle_address_failures: int = Field(default=100, ge=1)
    throttle_account_free_failures: int = Field(default=5, ge=0)
    throttle_account_max_delay_seconds: float = Field(default=5, ge=0, le=60)
    throttle_account_daily_cap: int = Field(default=100, ge=1)
    throttle_registrations_per_address: int = Field(default=10, ge=1)
    # Reset codes asked for by SMS: per phone number per window (more send nothing), and per
    # address per throttle window (then 429).
    throttle_reset_requests_per_phone: int = Field(default=3, ge=1)
    throttle_reset_request_window_seconds: int = Field(default=3600, ge=1)
    throttle_reset_requests_per_address: int = Field(default=10, ge=1)
    # How often the API reports closed windows of refused sign-ins (one event each); 0: never.
    throttle_report_interval_seconds: float = Field(default=60, ge=0)

    # None: pwdlib's recommended parameters. Tests use time_cost=1, memory_cost=1024.
    argon2_time_cost: int | None = Field(default=None, ge=1)
    argon2_memory_cost: int | None = Field(default=None, ge=8)
    argon2_parallelism: int | None = Field(default=None, ge=1)
    # Hashes at once (worker threads) and callers allowed to wait; one more gets 503 at once.
    argon2_concurrency: int = Field(default_factory=lambda: os.cpu_count() or 2, ge=1, le=64)
    argon2_max_waiting: int = Field(default=16, ge=0, le=10_000)

    key_encryption_key: SecretStr = secret(DEV_KEY_ENCRYPTION_KEY)
    # Seals one-time codes in events for notifications, which holds the same key.
    code_encryption_key: SecretStr = secret(
        DEV_CODE_ENCRYPTION_KEY,
        validation_alias=AliasChoices("HMS_CODE_ENCRYPTION_KEY", "code_encryption_key"))
    default_phone_region: str = Field(default="KE", pattern=r"^[A-Za-z]{2}$")

    # auth's own routes verify tokens against its key store; how long keys are cached, and
    # how soon an unknown kid may trigger a re-read.
    jwks_cache_seconds: float = Field(default=300, ge=0)
    jwks_min_refresh_seconds: float = Field(default=10, ge=0)

    admin_username: str | None = Field(
        default=None, validation_alias=AliasChoices("HMS_ADMIN_USERNAME", "admin_username"))
    admin_password: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("HMS_ADMIN_PASSWORD", "admin_password"))

    @field_validator("key_encryption_key", "code_encryption_key")
    @classmethod
    def _thirty_two_bytes(cls, value: SecretStr) -> SecretStr:
        try:
            raw = base64.b64decode(value.get_secret_value(), validate=True)
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) != 32:
            raise ValueError("must be the base64 of 32 random bytes")
        return value

    def policy(self) -> AuthPolicy:
        return AuthPolicy(
            access_token_ttl=timedelta(seconds=self.access_token_ttl_seconds),
            refresh_idle_ttl=timedelta(seconds=self.refresh_idle_ttl_seconds),
            refresh_absolute_ttl=timedelta(seconds=self.refresh_absolute_ttl_seconds),
            activation_code_ttl=timedelta(seconds=self.activation_code_ttl_seconds),
            throttle_window=timedelta(seconds=self.throttle_window_seconds),
            account_address_failures=self.throttle_account_address_failures,
            address_failures=self.throttle_address_failures,
            account_free_failures=self.throttle_account_free_failures,
            account_max_delay=timedelta(seconds=self.throttle_account_max_delay_seconds),
            account_daily_cap=self.throttle_account_daily_cap,
            registrations_per_address=self.throttle_registrations_per_address,
            reset_requests_per_phone=self.throttle_reset_requests_per_phone,
            reset_request_window=timedelta(seconds=self.throttle_reset_request_window_seconds),
            reset_requests_per_address=self.throttle_reset_requests_per_address,
            client_time_max_age_days=self.client_time_max_age_days,
        )
