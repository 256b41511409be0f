"""Which channels the settings configure, and their clients. A channel without credentials is
off, and the process says so when it starts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import structlog

from hms_notifications.adapters.channels.vapid import Vapid, load_private_key, public_key
from hms_notifications.config import NotificationsSettings
from hms_notifications.domain.model import CHANNELS, EMAIL, PUSH, SMS

log = structlog.get_logger(__name__)


def _missing(settings: NotificationsSettings) -> dict[str, str]:
    """channel -> what it lacks (absent: configured)."""
    missing = {}
    if not (settings.twilio_account_sid and settings.twilio_auth_token and settings.twilio_from):
        missing[SMS] = "NOTIFICATIONS_TWILIO_ACCOUNT_SID, _AUTH_TOKEN and _FROM"
    if not settings.smtp_host:
        missing[EMAIL] = "NOTIFICATIONS_SMTP_HOST"
    if not (fcm_configured(settings) or vapid_configured(settings)):
        missing[PUSH] = ("NOTIFICATIONS_FCM_PROJECT_ID and a service account key, or "
                         "NOTIFICATIONS_VAPID_PRIVATE_KEY and _SUBJECT")
    return missing


def fcm_configured(settings: NotificationsSettings) -> bool:
    return bool(settings.fcm_project_id and (settings.fcm_service_account_file
                                             or settings.fcm_service_account_json))


def vapid_configured(settings: NotificationsSettings) -> bool:
    return settings.vapid_private_key is not None and settings.vapid_subject is not None


def push_public_key(settings: NotificationsSettings) -> str | None:
    """The VAPID public key the app subscribes with; None: Web Push is off here."""
    if not vapid_configured(settings):
        return None
    assert settings.vapid_private_key is not None
    return public_key(load_private_key(settings.vapid_private_key.get_secret_value()))


def configured(settings: NotificationsSettings) -> frozenset[str]:
    if settings.console_channel:
        return frozenset(CHANNELS)
    return frozenset(CHANNELS) - set(_missing(settings))


def _service_account(settings: NotificationsSettings) -> dict[str, Any]:
    if settings.fcm_service_account_json is not None:
        return dict(json.loads(settings.fcm_service_account_json.get_secret_value()))
    return dict(json.loads(Path(str(settings.fcm_service_account_file)).read_text()))


def build_channels(settings: NotificationsSettings) -> dict[str, Any]:
    """The channel clients (call inside the event loop: the HTTP clients bind to it)."""
    missing = _missing(settings)
    channels: dict[str, Any] = {}
    if SMS not in missing:
        from hms_notifications.adapters.channels.twilio_sms import TwilioChannel

        assert settings.twilio_auth_token and settings.twilio_account_sid
        channels[SMS] = TwilioChannel(
            settings.twilio_account_sid, settings.twilio_auth_token.get_secret_value(),
            str(settings.twilio_from), base_url=settings.twilio_base_url,
            status_callback=settings.twilio_status_callback_url,
            timeout=settings.twilio_timeout)
    if EMAIL not in missing:
        from hms_notifications.adapters.channels.smtp import SmtpChannel

        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        channels[EMAIL] = SmtpChannel(
            str(settings.smtp_host), settings.smtp_port, sender=settings.smtp_from,
            username=settings.smtp_username, password=password,
            starttls=settings.smtp_starttls, timeout=settings.smtp_timeout)
    if PUSH not in missing:
        channels[PUSH] = _push(settings)
    if settings.console_channel:
        from hms_notifications.adapters.channels.console import ConsoleChannel

        for name in CHANNELS:
            channels.setdefault(name, ConsoleChannel(name))
    for name in CHANNELS:
        if name in channels:
            log.info("channel.on", channel=name, client=type(channels[name]).__name__)
        else:
            log.warning("channel.off", channel=name, missing=missing[name])
    return channels


def _push(settings: NotificationsSettings) -> Any:
    """Web Push for subscriptions and FCM for tokens, each when configured; in console mode
    the tokens (and, without a VAPID key, the subscriptions) go to the log."""
    from hms_notifications.adapters.channels.console import ConsoleChannel
    from hms_notifications.adapters.channels.push import PushRouter

    webpush: Any = None
    fcm: Any = None
    if vapid_configured(settings):
        from hms_notifications.adapters.channels.webpush import WebPushChannel

        assert settings.vapid_private_key is not None and settings.vapid_subject is not None
        webpush = WebPushChannel(
            Vapid(settings.vapid_private_key.get_secret_value(), settings.vapid_subject),
            settings.push_origins(), ttl=settings.webpush_ttl_seconds,
            timeout=settings.webpush_timeout)
    if fcm_configured(settings):
        from hms_notifications.adapters.channels.fcm import FcmChannel

        fcm = FcmChannel(
            str(settings.fcm_project_id), _service_account(settings),
            base_url=settings.fcm_base_url, token_url=settings.fcm_token_url,
            timeout=settings.fcm_timeout)
    elif settings.console_channel:
        fcm = ConsoleChannel(PUSH)
    log.info("channel.push", webpush=webpush is not None,
             fcm=type(fcm).__name__ if fcm is not None else None)
    return PushRouter(webpush=webpush, fcm=fcm)


async def close_channels(channels: dict[str, Any]) -> None:
    for channel in channels.values():
        await channel.close()
