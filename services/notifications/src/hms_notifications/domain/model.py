"""What a message is, whom it goes to and what they asked for."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hms_notifications.domain.errors import InvalidRequest

SMS, PUSH, EMAIL = "sms", "push", "email"
CHANNELS = (SMS, PUSH, EMAIL)
# The kinds of API.md and the contracts; a one-time code is this service's own kind (it is
# not reported as notification_sent/failed, whose contract does not list it).
KINDS = ("appointment_booked", "appointment_reminder", "appointment_cancelled",
         "turn_approaching", "turn_now", "no_show_penalty")
RESET_CODE = "password_reset_code"
ACTIVATION_CODE = "activation_code"
CODE_KINDS = frozenset({RESET_CODE, ACTIVATION_CODE})
# What auth sealed each kind's code for (the associated data is "<purpose>:<user id>").
CODE_PURPOSES = {RESET_CODE: "password_reset", ACTIVATION_CODE: "activation"}
# Quiet hours never hold these back: the patient is in the waiting room, or asked for a code.
URGENT_KINDS = frozenset({"turn_now", "turn_approaching"}) | CODE_KINDS

PENDING, SENDING, SENT, DELIVERED = "pending", "sending", "sent", "delivered"
UNDELIVERED, FAILED, CANCELLED, SKIPPED = "undelivered", "failed", "cancelled", "skipped"
STATUSES = (PENDING, SENDING, SENT, DELIVERED, UNDELIVERED, FAILED, CANCELLED, SKIPPED)


@dataclass(frozen=True)
class Contact:
    """A user's details as auth last announced them."""

    user_id: uuid.UUID
    role: str | None = None
    full_name: str = ""
    phone_number: str | None = None
    email: str | None = None
    room: str | None = None
    active: bool = True


@dataclass(frozen=True)
class QuietHours:
    """A daily window, in the clinic's time zone, with no reminders; may wrap midnight."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.start == self.end:
            raise InvalidRequest("quiet hours must not start and end at the same time")

    def contains(self, wall: time) -> bool:
        if self.start < self.end:
            return self.start <= wall < self.end
        return wall >= self.start or wall < self.end

    def release(self, at: datetime, tz: ZoneInfo) -> datetime:
        """``at`` if it is outside the window, else the window's end (as an aware instant)."""
        local = at.astimezone(tz)
        if not self.contains(local.time().replace(tzinfo=None)):
            return at
        day = local.date()
        if self.start > self.end and local.time().replace(tzinfo=None) >= self.start:
            day += timedelta(days=1)
        return datetime.combine(day, self.end, tzinfo=tz).astimezone(at.tzinfo)


@dataclass(frozen=True)
class Preferences:
    user_id: uuid.UUID
    channels: frozenset[str] = frozenset(CHANNELS)
    quiet_hours: QuietHours | None = None
    devices: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = set(self.channels) - set(CHANNELS)
        if unknown:
            raise InvalidRequest(f"unknown channel(s): {', '.join(sorted(unknown))}")


@dataclass(frozen=True)
class Intent:
    """What a rule wants said: one kind, to one person, on some channels, under one key."""

    kind: str
    recipient_id: uuid.UUID
    channels: tuple[str, ...]
    dedup_key: str
    due_at: datetime
    subject_id: uuid.UUID | None = None
    params: dict[str, Any] = field(default_factory=dict)
    not_after: datetime | None = None  # a reminder pushed past this by quiet hours is dropped


@dataclass
class Message:
    """One message on one channel: a row of the log."""

    id: uuid.UUID
    recipient_id: uuid.UUID
    kind: str
    channel: str
    dedup_key: str
    due_at: datetime
    created_at: datetime
    subject_id: uuid.UUID | None = None
    params: dict[str, Any] = field(default_factory=dict)
    status: str = PENDING
    attempts: int = 0
    sent_at: datetime | None = None
    provider_id: str | None = None
    provider_status: str | None = None
    last_error: str | None = None


def too_late(message: Message, now: datetime) -> bool:
    """A reminder after its appointment started, or a code after it expired (say, after
    retries): sending it would only confuse."""
    if message.kind == "appointment_reminder" and "start" in message.params:
        return now >= datetime.fromisoformat(message.params["start"])
    if message.kind in CODE_KINDS and "expires_at" in message.params:
        return now >= datetime.fromisoformat(message.params["expires_at"])
    return False
