"""Which integration event (hms_contracts.auth) each domain event leaves as, field by field
where the names differ. The unit of work writes them to the outbox (hms_platform.recording)."""

from __future__ import annotations

from hms_auth.domain import events as domain
from hms_contracts import auth as contracts
from hms_contracts.envelope import EventPayload
from hms_platform.recording import Contract


def _registered(e: domain.UserRegistered) -> EventPayload:
    return contracts.UserRegistered(
        user_id=e.user_id, role=e.role, full_name=e.full_name, phone_number=e.phone_number,
        email=e.email, department=e.department, room=e.room)


def _updated(e: domain.UserUpdated) -> EventPayload:
    return contracts.UserUpdated(user_id=e.user_id, changed=list(e.changed), **e.values,
                                 updated_by=e.by)


def _deactivated(e: domain.UserDeactivated) -> EventPayload:
    return contracts.UserDeactivated(user_id=e.user_id, deactivated_by=e.by)


def _key_rotated(e: domain.SigningKeyRotated) -> EventPayload:
    return contracts.SigningKeyRotated(kid=e.kid, previous_kid=e.previous_kid,
                                       retired_kids=list(e.retired_kids))


def _signed_in(e: domain.SignInSucceeded) -> EventPayload:
    return contracts.LoginSucceeded(user_id=e.user_id, username=e.username, ip=e.ip,
                                    after_staff_reset=e.after_staff_reset,
                                    reset_issued_by=e.reset_by)


def _throttled(e: domain.SignInsThrottled) -> EventPayload:
    return contracts.LoginThrottled(user_id=e.user_id, ip=e.ip, limit=e.limit,
                                    attempts=e.attempts, window_start=e.window_start,
                                    window_end=e.window_end)


def _sign_in_failed(e: domain.SignInFailed) -> EventPayload:
    return contracts.LoginFailed(user_id=e.user_id, username=e.username, ip=e.ip, reason=e.reason)


def _reuse(e: domain.RefreshTokenReuseDetected) -> EventPayload:
    return contracts.RefreshTokenReuseDetected(user_id=e.user_id, family_id=e.family_id)


def _revoked(e: domain.SessionsRevoked) -> EventPayload:
    return contracts.SessionsRevoked(user_id=e.user_id, not_before=e.not_before, reason=e.reason)


def _activation_issued(e: domain.ActivationCodeIssued) -> EventPayload:
    return contracts.ActivationCodeIssued(user_id=e.user_id, sealed_code=e.sealed_code,
                                          expires_at=e.expires_at)


def _reset_issued(e: domain.PasswordResetIssued) -> EventPayload:
    return contracts.PasswordResetIssued(user_id=e.user_id, issued_by=e.issued_by,
                                         sealed_code=e.sealed_code, expires_at=e.expires_at,
                                         shown_to_issuer=e.shown_to_issuer)


CONTRACTS: dict[type, Contract] = {
    domain.UserRegistered: _registered,
    domain.UserUpdated: _updated,
    domain.UserDeactivated: _deactivated,
    domain.SignInSucceeded: _signed_in,
    domain.SignInFailed: _sign_in_failed,
    domain.SignInsThrottled: _throttled,
    domain.RefreshTokenReuseDetected: _reuse,
    domain.SessionsRevoked: _revoked,
    domain.PasswordResetIssued: _reset_issued,
    domain.ActivationCodeIssued: _activation_issued,
    domain.SigningKeyRotated: _key_rotated,
}
