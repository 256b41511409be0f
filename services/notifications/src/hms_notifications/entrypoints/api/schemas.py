"""Request and response bodies. Inputs are bounded so that bad input is a 422, never a 500."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from hms_platform.web import problems as platform_problems

ChannelName = Literal["sms", "push", "email"]
KindName = Literal["appointment_booked", "appointment_reminder", "appointment_cancelled",
                   "turn_approaching", "turn_now", "no_show_penalty", "password_reset_code",
                   "activation_code"]
StatusName = Literal["pending", "sending", "sent", "delivered", "undelivered", "failed",
                     "cancelled", "skipped", "capped"]
ClockTime = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
DeviceToken = Annotated[str, StringConstraints(min_length=1, max_length=4096,
                                               pattern=r"^[\x21-\x7e]+$")]


class QuietHoursBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: ClockTime = Field(description="HH:MM in the clinic's time zone")
    end: ClockTime = Field(description="HH:MM in the clinic's time zone; may be past midnight")


class PreferencesBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channels: list[ChannelName] = Field(max_length=3, description="channels wanted")
    quiet_hours: QuietHoursBody | None = Field(
        default=None, description="no reminders then (turn_now and turn_approaching still go)")
    devices: list[DeviceToken] = Field(
        default_factory=list, max_length=10,
        description="push devices: FCM registration tokens, or a browser's Web Push "
        "subscription as JSON.stringify(subscription) gives it ({\"endpoint\", "
        "\"expirationTime\", \"keys\": {\"p256dh\", \"auth\"}}), whose endpoint must be an "
        "allowed push service's")


class PushKey(BaseModel):
    public_key: str | None = Field(
        description="the VAPID public key (base64url, an uncompressed P-256 point) to subscribe "
        "with as applicationServerKey; null: Web Push is off on this server")


class PreferencesPublic(PreferencesBody):
    user_id: uuid.UUID


class MessagePublic(BaseModel):
    id: uuid.UUID
    recipient_id: uuid.UUID
    channel: str
    kind: str
    status: str
    dedup_key: str
    attempts: int
    created_at: datetime
    due_at: datetime
    sent_at: datetime | None
    provider_status: str | None = None
    last_error: str | None = None
    subject: str | None = Field(
        default=None, description="the email's subject or the push's title as sent (null for "
        "an SMS, and until the message is sent)")
    body: str | None = Field(
        default=None, description="the text as sent, a one-time code shown as ••••••; null "
        "until the message is sent, and for messages from before the log kept texts")


class MessagePage(BaseModel):
    items: list[MessagePublic]
    total: int
    limit: int
    offset: int


def problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses``: every route may also answer 400, 401 and 422."""
    return platform_problems(400, 401, 422, *codes)
