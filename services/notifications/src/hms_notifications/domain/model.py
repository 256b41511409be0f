"""What a message is, whom it goes to and what they asked for."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hms_notifications.domain.errors import InvalidRequest

SMS, PUSH, EMAIL = "sms", "push", "email"
CHANNELS = (SMS, PUSH, EMAIL)
# The kinds of the API and the contracts; a one-time code is this service's own kind (it is
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
# Nor does the hourly cap per recipient (rules.Rules.capped): the same kinds.
UNCAPPED_KINDS = URGENT_KINDS
# Kinds that speak of an appointment as booked: void once it is closed or moved (AppointmentMark).
ABOUT_A_BOOKING = frozenset({"appointment_booked", "appointment_reminder"})

PENDING, SENDING, SENT, DELIVERED = "pending", "sending", "sent", "delivered"
UNDELIVERED, FAILED, CANCELLED, SKIPPED = "undelivered", "failed", "cancelled", "skipped"
CAPPED = "capped"  # held back by the hourly cap per recipient: never sent
STATUSES = (PENDING, SENDING, SENT, DELIVERED, UNDELIVERED, FAILED, CANCELLED, SKIPPED, CAPPED)


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
    # A digest of the address it was planned for (the hourly cap counts per address too).
    destination: str | None = None
    # The text as the sender rendered it (templates.as_logged: a one-time code masked); None
    # until then. ``subject`` is an email's subject or a push's title (None for an SMS).
    subject: str | None = None
    body: str | None = None
    # Not a column: the claim found this row ``sending`` under a lease that had ended (a sender
    # died holding it, maybe after the provider took it): asked about before it is sent again.
    reclaimed: bool = False


@dataclass(frozen=True)
class AppointmentMark:
    """What this service heard of an appointment that voids messages about its booking: it was
    closed (cancelled or a no-show: a tombstone, whichever order the events arrive in) or moved
    away from some starts. Kept by appointment id."""

    appointment_id: uuid.UUID
    closed: str | None = None  # "cancelled" or "no_show"
    moved_from: frozenset[datetime] = frozenset()

    def voids(self, message: Message) -> str | None:
        """Why ``message`` must not go out any more (it reminds of what no longer holds)."""
        if message.kind not in ABOUT_A_BOOKING or message.subject_id != self.appointment_id:
            return None
        if self.closed is not None:
            return closed_reason(self.closed)
        start = message.params.get("start")
        if start is not None and datetime.fromisoformat(start) in self.moved_from:
            return "appointment rescheduled"
        return None


def closed_reason(how: str) -> str:
    """Why a closed appointment's messages were cancelled: appointment cancelled, no-show."""
    return f"appointment {how.replace('_', '-')}"


def destination(channel: str, contact: Contact | None) -> str | None:
    """A digest of the address a message on ``channel`` goes to (push: the person's devices,
    counted by recipient instead): the log never holds the address itself."""
    address = None if contact is None else {
        SMS: contact.phone_number, EMAIL: contact.email}.get(channel)
    if not address:
        return None
    normal = "".join(address.split()).lower()
    return hashlib.sha256(f"{channel}:{normal}".encode()).hexdigest()[:40]


def too_late(message: Message, now: datetime) -> bool:
    """A reminder after its appointment started, or a code after it expired (say, after
    retries): sending it would only confuse."""
    if message.kind == "appointment_reminder" and "start" in message.params:
        return now >= datetime.fromisoformat(message.params["start"])
    if message.kind in CODE_KINDS and "expires_at" in message.params:
        return now >= datetime.fromisoformat(message.params["expires_at"])
    return False
