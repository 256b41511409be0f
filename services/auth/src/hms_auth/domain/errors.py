"""Domain errors. Each category derives from the platform's (hms_platform.domain_errors), whose
status the API answers with; `problem_extra` adds members to the problem body."""

from __future__ import annotations

from collections.abc import Mapping

from hms_platform import domain_errors as base

_OAUTH_INVALID_GRANT = {"error": "invalid_grant"}  # RFC 6749 section 5.2, for OAuth clients


class AuthError(base.DomainError):
    """Base of the auth service's errors."""

    message = "The request could not be completed."


class NotAuthenticated(AuthError, base.NotAuthenticated):
    """The caller did not prove who they are. Messages never say which part was wrong."""


class InvalidCredentials(NotAuthenticated):
    # One answer for unknown user, wrong password, inactive or not yet activated account.
    message = "Incorrect username or password."
    problem_extra: Mapping[str, object] = _OAUTH_INVALID_GRANT


class InvalidActivationCode(NotAuthenticated):
    message = "The phone number or activation code is not valid."


class InvalidRefreshToken(NotAuthenticated):
    message = "The refresh token is invalid, expired or revoked."
    problem_extra: Mapping[str, object] = _OAUTH_INVALID_GRANT


class RefreshTokenReused(InvalidRefreshToken):
    """A spent refresh token came back: its family has been revoked (likely theft)."""


class StaleAccessToken(NotAuthenticated):
    """A well-signed token whose user is gone, deactivated or has another role now."""

    message = "Invalid or expired access token."
    problem_extra: Mapping[str, object] = {
        "headers": {"WWW-Authenticate": 'Bearer error="invalid_token"'}}


class TooManyRequests(AuthError, base.TooManyRequests):
    pass


class TooManyAttempts(TooManyRequests):
    message = "Too many failed attempts. Try again later."

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after=retry_after)


class TooManyResetRequests(TooManyRequests):
    message = "Too many reset codes asked for from this address. Try again later."

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after=retry_after)


class Unavailable(AuthError, base.Unavailable):
    pass


class ServiceBusy(Unavailable):
    """Every password-hashing slot is taken and enough callers already wait: answer at once
    (503 + Retry-After) rather than queue into timeouts."""

    message = "The service is busy. Try again shortly."

    def __init__(self, retry_after: int = 1) -> None:
        super().__init__(retry_after=retry_after)


class NotAllowed(AuthError, base.NotAllowed):
    pass


class CurrentPasswordIncorrect(NotAllowed):
    message = "The current password is not correct."


class ResetNotAllowed(NotAllowed):
    message = "Only an admin may reset a staff member's password."


class Conflict(AuthError, base.Conflict):
    pass


class UserIdTaken(Conflict):
    message = "A user with this id already exists."


class AlreadyRegistered(Conflict):
    def __init__(self, field: str) -> None:
        super().__init__(f"A user with this {field.replace('_', ' ')} already exists.")
        self.field = field


class AlreadyActivated(Conflict):
    message = "This patient has already set a password."


class NoPhoneForCode(Conflict):
    message = ("This account has no phone number to send a reset code to: add one to the "
               "account first. Codes are sent, never shown.")


class LastActiveAdmin(Conflict):
    message = "The last active admin cannot be deactivated or given another role."


class NotFound(AuthError, base.NotFound):
    pass


class UserNotFound(NotFound):
    message = "No such user."


class InvalidRequest(AuthError, base.InvalidRequest):
    """Input the schema let through but a domain rule refuses."""


class InvalidPhoneNumber(InvalidRequest):
    message = "phone_number is not a valid phone number."


class InvalidEmail(InvalidRequest):
    message = "email is not a valid email address."


class InvalidUsername(InvalidRequest):
    message = ("username must be 3 to 64 characters: a letter, then letters, digits "
               "or . _ @ -")


class InvalidPassword(InvalidRequest):
    message = "password must be 8 to 1024 characters."


class DoctorDetailsMissing(InvalidRequest):
    message = "A doctor needs a department and a room."


class PhoneNumberRequired(InvalidRequest):
    message = "A patient needs a phone number."


class InvalidRole(InvalidRequest):
    message = "role must be one of admin, receptionist, doctor, patient."
