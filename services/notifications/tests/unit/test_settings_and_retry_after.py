"""Settings (channels without credentials are off; secrets refused outside dev/test) and
providers' Retry-After."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from hms_notifications.adapters.channels.factory import configured
from hms_notifications.config import NotificationsSettings


def test_a_channel_is_on_only_with_its_credentials() -> None:
    empty = NotificationsSettings(twilio_account_sid="", twilio_auth_token="", twilio_from="",
                                  smtp_host="", fcm_service_account_json="")
    assert configured(empty) == frozenset()
    sms = NotificationsSettings(twilio_account_sid="AC1", twilio_auth_token="t",
                                twilio_from="+15005550006", smtp_host="mail.local")
    assert configured(sms) == {"sms", "email"}
    assert configured(NotificationsSettings(console_channel=True)) == {"sms", "push", "email"}


def test_the_shared_code_key_is_required_outside_development(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="code_encryption_key"):
        NotificationsSettings(environment="production",
                              database_url="postgresql+asyncpg://x@db/hms",
                              amqp_url="amqp://u:p@mq/")
    monkeypatch.setenv("HMS_CODE_ENCRYPTION_KEY", "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=")
    settings = NotificationsSettings(environment="production",
                                     database_url="postgresql+asyncpg://x@db/hms",
                                     amqp_url="amqp://u:p@mq/")
    assert settings.code_encryption_key.get_secret_value().startswith("ZmVk")


def test_bad_lead_times_and_zones_are_refused() -> None:
    with pytest.raises(ValidationError):
        NotificationsSettings(reminder_lead_minutes=[0])
    with pytest.raises(ValidationError):
        NotificationsSettings(clinic_timezone="Mars/Olympus")


def test_retry_after_in_seconds_or_as_an_http_date() -> None:
    from datetime import UTC, datetime

    from hms_notifications.adapters.channels.http import retry_after_seconds

    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert retry_after_seconds("7", now) == 7.0
    assert retry_after_seconds("Mon, 02 Mar 2026 09:01:30 GMT", now) == 90.0
    assert retry_after_seconds("Mon, 02 Mar 2026 08:00:00 GMT", now) == 0.0
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds(None, now) is None
