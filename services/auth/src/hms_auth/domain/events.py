"""What happened, in domain terms; the service layer turns these into integration events."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Event:
    """Base of the domain events."""


@dataclass(frozen=True)
class UserRegistered(Event):
    user_id: uuid.UUID
    role: str
    full_name: str
    phone_number: str | None
    email: str | None
    department: str | None
    room: str | None


@dataclass(frozen=True)
class UserUpdated(Event):
    user_id: uuid.UUID
    changed: tuple[str, ...]
    values: Mapping[str, object] = field(default_factory=dict)
    by: uuid.UUID | None = None  # who made the change (the audit trail's actor)


@dataclass(frozen=True)
class UserDeactivated(Event):
    user_id: uuid.UUID
    by: uuid.UUID | None = None


@dataclass(frozen=True)
class SigningKeyRotated(Event):
    kid: str  # the new current key
    previous_kid: str | None  # still verifies until the next rotation
    retired_kids: tuple[str, ...]


@dataclass(frozen=True)
class SignInSucceeded(Event):
    user_id: uuid.UUID
    username: str  # masked
    ip: str
    # The password was set with a reset code staff issued (who: reset_by): audited as such.
    after_staff_reset: bool = False
    reset_by: uuid.UUID | None = None


@dataclass(frozen=True)
class SignInFailed(Event):
    user_id: uuid.UUID | None
    username: str  # masked
    ip: str
    reason: str  # unknown_user, bad_password, inactive, not_activated, throttled


@dataclass(frozen=True)
class SignInsThrottled(Event):
    """The sign-ins refused by one limit in one throttle window, counted: one event per
    window (reported once it has closed), however many attempts it refused."""

    user_id: uuid.UUID | None  # None: an unknown name, or the per-address limit
    ip: str
    limit: str  # the counter that refused: account_address or address
    attempts: int
    window_start: datetime
    window_end: datetime


@dataclass(frozen=True)
class RefreshTokenReuseDetected(Event):
    user_id: uuid.UUID
    family_id: uuid.UUID


@dataclass(frozen=True)
class SessionsRevoked(Event):
    """Every refresh token and every access token issued before `not_before` is void."""

    user_id: uuid.UUID
    not_before: datetime
    reason: str  # logout, password_changed, password_reset, deactivated, role_changed


@dataclass(frozen=True)
class ActivationCodeIssued(Event):
    user_id: uuid.UUID
    sealed_code: str  # encrypted for notifications (the code key); never the code itself
    expires_at: datetime


@dataclass(frozen=True)
class PasswordResetIssued(Event):
    user_id: uuid.UUID
    issued_by: uuid.UUID
    sealed_code: str  # encrypted for notifications (the code key); never the code itself
    expires_at: datetime
    shown_to_issuer: bool = False  # only for a walk-in who has never set a password


def mask_username(username: str) -> str:
    """Enough for an auditor to tell attempts apart, too little to learn the login name."""
    name = username.strip()
    return (name[:1] or "?") + "***"
