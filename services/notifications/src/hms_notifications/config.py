"""Settings, from ``NOTIFICATIONS_*`` environment variables (plus ``HMS_CODE_ENCRYPTION_KEY``);
see the service's README. A channel without credentials is off."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from hms_notifications.domain.delivery import RetryPolicy
from hms_notifications.domain.rules import Rules
from hms_notifications.domain.subscriptions import (
    DEFAULT_PUSH_ORIGINS,
    OriginPattern,
    origin_pattern,
)
from hms_platform.settings import ServiceSettings, secret, service_config

# The same development key as auth's (base64 of 32 bytes); refused outside dev/test.
DEV_CODE_ENCRYPTION_KEY = "aG1zLWRldi1vbmx5LWNvZGUtZW5jcnlwdGlvbi1rZXk="


class NotificationsSettings(ServiceSettings):
    model_config = service_config("NOTIFICATIONS_") | SettingsConfigDict(validate_by_name=True)

    service_name: str = "notifications"

    # clinic_timezone (ServiceSettings'): NOTIFICATIONS_CLINIC_TIMEZONE, else HMS_CLINIC_TIMEZONE
    reminder_lead_minutes: list[int] = Field(default=[24 * 60, 120], max_length=5)
    approaching_threshold: int = Field(default=3, ge=0, le=100)
    penalty_limit: int = Field(default=3, ge=1, le=100)
    penalty_window_days: int = Field(default=90, ge=1, le=3650)
    # Per kind and channel, to one person or one address, planned within an hour; more are
    # recorded `capped` and never sent. Codes and turn notices are not capped.
    max_per_recipient_hour: int = Field(default=5, ge=1, le=1000)

    code_encryption_key: SecretStr = secret(
        DEV_CODE_ENCRYPTION_KEY,
        validation_alias=AliasChoices("HMS_CODE_ENCRYPTION_KEY", "code_encryption_key"))

    # The sender (scheduler) process.
    sender_interval_seconds: float = Field(default=1.0, gt=0, le=3600)
    sender_batch_size: int = Field(default=50, ge=1, le=1000)
    lease_seconds: float = Field(default=60, gt=0, le=3600)
    max_attempts: int = Field(default=5, ge=1, le=50)
    backoff_base_seconds: float = Field(default=2, gt=0)
    backoff_cap_seconds: float = Field(default=600, gt=0)

    # console: every channel is written to the log instead (the embedded run).
    console_channel: bool = False

    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    smtp_from: str = "HMS <no-reply@hms.local>"
    smtp_timeout: float = Field(default=10, gt=0)

    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    twilio_from: str | None = None
    twilio_base_url: str = "https://api.twilio.com"
    # The public URL Twilio posts delivery reports to (and signs): the gateway's address of
    # POST /api/notifications/webhooks/twilio. Unset: no callbacks are asked for.
    twilio_status_callback_url: str | None = None
    twilio_timeout: float = Field(default=10, gt=0)

    fcm_project_id: str | None = None
    # The service account key (JSON, as Google issues it): a file path or the JSON itself.
    fcm_service_account_file: str | None = None
    fcm_service_account_json: SecretStr | None = None
    fcm_base_url: str = "https://fcm.googleapis.com"
    fcm_token_url: str | None = None  # default: the key's token_uri
    fcm_timeout: float = Field(default=10, gt=0)

    # Web Push (RFC 8030, 8291, 8292): the VAPID key (PEM, or the raw P-256 private key in
    # base64url) and the contact the push services may write to (mailto: or https:).
    vapid_private_key: SecretStr | None = None
    vapid_subject: str | None = Field(default=None, pattern=r"^(mailto:\S+@\S+|https://\S+)$")
    # The push services the sender may POST to (scheme://host[:port], *. for any name under).
    webpush_origins: list[str] = Field(default=list(DEFAULT_PUSH_ORIGINS), min_length=1,
                                       max_length=20)
    webpush_timeout: float = Field(default=10, gt=0)
    # How long a push service keeps a push for a phone that is off; turn notices at most 15 min.
    webpush_ttl_seconds: int = Field(default=3600, ge=0, le=28 * 24 * 3600)

    @field_validator("twilio_auth_token", "smtp_password", "fcm_service_account_json",
                     "vapid_private_key")
    @classmethod
    def _empty_is_unset(cls, value: SecretStr | None) -> SecretStr | None:
        # compose passes unset credentials as empty strings: the channel is then off.
        return value if value is not None and value.get_secret_value() else None

    @field_validator("vapid_private_key")
    @classmethod
    def _a_p256_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and value.get_secret_value():
            # The key's format is the adapter's to read; imported here so that a wrong key
            # stops every process at start, saying why.
            from hms_notifications.adapters.channels.vapid import load_private_key

            load_private_key(value.get_secret_value())  # ValueError: not a P-256 key
        return value

    @field_validator("vapid_subject", mode="before")
    @classmethod
    def _empty_subject_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("webpush_origins")
    @classmethod
    def _origins(cls, value: list[str]) -> list[str]:
        for text in value:
            origin_pattern(text)  # ValueError: not an origin
        return value

    def push_origins(self) -> tuple[OriginPattern, ...]:
        return tuple(origin_pattern(text) for text in self.webpush_origins)

    @field_validator("reminder_lead_minutes")
    @classmethod
    def _positive(cls, value: list[int]) -> list[int]:
        if any(v <= 0 or v > 30 * 24 * 60 for v in value):
            raise ValueError("each lead time must be 1 minute .. 30 days")
        return value

    def rules(self) -> Rules:
        return Rules(
            clinic_tz=ZoneInfo(self.clinic_timezone),
            reminder_leads=tuple(timedelta(minutes=v) for v in self.reminder_lead_minutes),
            approaching_threshold=self.approaching_threshold,
            penalty_limit=self.penalty_limit, penalty_window_days=self.penalty_window_days,
            max_per_recipient_hour=self.max_per_recipient_hour)

    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(max_attempts=self.max_attempts,
                           base=timedelta(seconds=self.backoff_base_seconds),
                           cap=timedelta(seconds=self.backoff_cap_seconds))
