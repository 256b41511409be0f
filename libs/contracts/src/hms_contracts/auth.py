"""Events published by the auth service."""

from __future__ import annotations

import uuid
from typing import ClassVar

from pydantic import AwareDatetime, Field

from hms_contracts.envelope import EventPayload
from hms_contracts.fields import Role


class _AuthEvent(EventPayload):
    """Base of the auth events (no NAME: not an event itself)."""

    PRODUCER: ClassVar[str] = "auth"


class UserRegistered(_AuthEvent):
    """A user account was created; carries the contact details other services copy."""

    NAME: ClassVar[str] = "auth.user_registered.v1"

    user_id: uuid.UUID
    role: Role
    full_name: str
    phone_number: str | None = None
    email: str | None = None
    department: str | None = None
    room: str | None = None


class UserUpdated(_AuthEvent):
    """Attributes of a user changed; `changed` names them, the fields carry the new values."""

    NAME: ClassVar[str] = "auth.user_updated.v1"

    user_id: uuid.UUID
    # None is ambiguous (unchanged or cleared), so consumers apply exactly the names listed here.
    # Plain strings rather than a Literal: a field added later must not break v1 consumers.
    changed: list[str]
    full_name: str | None = None
    phone_number: str | None = None
    email: str | None = None
    role: Role | None = None
    department: str | None = None
    room: str | None = None
    active: bool | None = None
    # Optional (older producers omit it): who made the change, for the audit trail.
    updated_by: uuid.UUID | None = None


class UserDeactivated(_AuthEvent):
    """A user account was deactivated and may no longer sign in."""

    NAME: ClassVar[str] = "auth.user_deactivated.v1"

    user_id: uuid.UUID
    # Optional (older producers omit it): who deactivated the account, for the audit trail.
    deactivated_by: uuid.UUID | None = None


class _LoginAttempt(_AuthEvent):
    """Fields shared by both login outcomes (no NAME: not an event itself)."""

    user_id: uuid.UUID | None = None
    username: str = Field(description="Masked by the producer; never the full login name.")
    ip: str
    reason: str | None = None


class LoginSucceeded(_LoginAttempt):
    """A user signed in."""

    NAME: ClassVar[str] = "auth.login_succeeded.v1"

    # Optional (older producers omit them): the password used was set with a reset code that
    # staff issued (`reset_issued_by`), and not changed by the user since. The audit trail
    # keeps such sign-ins apart: a reset is how staff could take over an account.
    after_staff_reset: bool = False
    reset_issued_by: uuid.UUID | None = None


class LoginFailed(_LoginAttempt):
    """A sign-in attempt was refused; `reason` says why."""

    NAME: ClassVar[str] = "auth.login_failed.v1"


class LoginThrottled(_AuthEvent):
    """Sign-ins a throttle limit refused in one window, counted once the window has closed."""

    # One event per limit, account and address per window. Replaces auth.login_failed.v1
    # with reason "throttled", which was one event per refused attempt (free for an attacker
    # to send by the thousand).

    NAME: ClassVar[str] = "auth.login_throttled.v1"

    user_id: uuid.UUID | None = Field(
        default=None, description="The account; null for an unknown name or the address limit.")
    ip: str
    limit: str = Field(description="The limit that refused: account_address or address.")
    attempts: int = Field(ge=1, description="Sign-ins refused in the window.")
    window_start: AwareDatetime
    window_end: AwareDatetime


class RefreshTokenReuseDetected(_AuthEvent):
    """A refresh token that had already been rotated was presented again (likely theft)."""

    NAME: ClassVar[str] = "auth.refresh_token_reuse_detected.v1"

    user_id: uuid.UUID
    family_id: uuid.UUID


class SessionsRevoked(_AuthEvent):
    """A user's sessions ended: refuse their access tokens issued before `not_before`."""

    # Sent on logout, password change or reset, deactivation and role change.

    NAME: ClassVar[str] = "auth.sessions_revoked.v1"

    user_id: uuid.UUID
    not_before: AwareDatetime
    reason: str


class SigningKeyRotated(_AuthEvent):
    """A new token signing key became current (key ids only, never key material)."""

    NAME: ClassVar[str] = "auth.signing_key_rotated.v1"

    kid: str
    previous_kid: str | None = None
    retired_kids: list[str] = Field(default_factory=list)


class ActivationCodeIssued(_AuthEvent):
    """A walk-in patient without a password yet got a one-time activation code."""

    # At the desk's registration or as a replacement; notifications sends it by SMS. Sealed
    # like a reset code, with "activation:<user_id>" as the associated data.

    NAME: ClassVar[str] = "auth.activation_code_issued.v1"

    user_id: uuid.UUID
    sealed_code: str = Field(description="The code, sealed; never in clear.")
    expires_at: AwareDatetime


class PasswordResetIssued(_AuthEvent):
    """Staff issued a one-time password reset code; the user's old password no longer works."""

    # The code travels only sealed (AES-256-GCM under the code key auth and notifications
    # share, see hms_platform.sealing), for notifications to send by SMS.

    NAME: ClassVar[str] = "auth.password_reset_issued.v1"

    user_id: uuid.UUID
    issued_by: uuid.UUID
    sealed_code: str = Field(description="The code, sealed; never in clear.")
    expires_at: AwareDatetime
    # Optional: the code was also shown to the issuer, which auth allows only for a walk-in
    # who has never set a password; otherwise it goes by SMS only. None: an older producer,
    # which showed every code to the issuer.
    shown_to_issuer: bool | None = None
