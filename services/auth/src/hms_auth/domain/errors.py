"""Domain errors. The API maps each base class to one HTTP status (entrypoints/api/errors.py)."""

from __future__ import annotations

from typing import Any

_OAUTH_INVALID_GRANT = {"error": "invalid_grant"}  # RFC 6749 section 5.2, for OAuth clients


class AuthError(Exception):
    """Base of the auth service's errors; `problem_extra` adds members to the problem body."""

    message = "The request could not be completed."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)

    @property
    def problem_extra(self) -> dict[str, Any]:
        return {}


class NotAuthenticated(AuthError):
    """The caller did not prove who they are. Messages never say which part was wrong."""


class InvalidCredentials(NotAuthenticated):
    # One answer for unknown user, wrong password, inactive or not yet activated account.
    message = "Incorrect username or password."

    @property
    def problem_extra(self) -> dict[str, Any]:
        return dict(_OAUTH_INVALID_GRANT)


class InvalidActivationCode(NotAuthenticated):
    message = "The phone number or activation code is not valid."


class InvalidRefreshToken(NotAuthenticated):
    message = "The refresh token is invalid, expired or revoked."

    @property
    def problem_extra(self) -> dict[str, Any]:
        return dict(_OAUTH_INVALID_GRANT)


class RefreshTokenReused(InvalidRefreshToken):
    """A spent refresh token came back: its family has been revoked (likely theft)."""


class StaleAccessToken(NotAuthenticated):
    """A well-signed token whose user is gone, deactivated or has another role now."""

    message = "Invalid or expired access token."

    @property
    def problem_extra(self) -> dict[str, Any]:
        return {"headers": {"WWW-Authenticate": 'Bearer error="invalid_token"'}}


class TooManyAttempts(AuthError):
    message = "Too many failed attempts. Try again later."

    def __init__(self, retry_after: int) -> None:
        super().__init__()
        self.retry_after = max(1, retry_after)

    @property
    def problem_extra(self) -> dict[str, Any]:
        return {"headers": {"Retry-After": str(self.retry_after)}, "retry_after": self.retry_after}


class ServiceBusy(AuthError):
    """Every password-hashing slot is taken and enough callers already wait: answer at once
    (503 + Retry-After) rather than queue into timeouts."""

    message = "The service is busy. Try again shortly."

    def __init__(self, retry_after: int = 1) -> None:
        super().__init__()
        self.retry_after = max(1, retry_after)

    @property
    def problem_extra(self) -> dict[str, Any]:
        return {"headers": {"Retry-After": str(self.retry_after)}, "retry_after": self.retry_after}


class Forbidden(AuthError):
    pass


class CurrentPasswordIncorrect(Forbidden):
    message = "The current password is not correct."


class ResetNotAllowed(Forbidden):
    message = "Only an admin may reset a staff member's password."


class Conflict(AuthError):
    pass


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


class NotFound(AuthError):
    pass


class UserNotFound(NotFound):
    message = "No such user."


class InvalidInput(AuthError):
    """Input the schema let through but a domain rule refuses."""


class InvalidPhoneNumber(InvalidInput):
    message = "phone_number is not a valid phone number."


class InvalidEmail(InvalidInput):
    message = "email is not a valid email address."


class InvalidUsername(InvalidInput):
    message = ("username must be 3 to 64 characters: a letter, then letters, digits "
               "or . _ @ -")


class InvalidPassword(InvalidInput):
    message = "password must be 8 to 1024 characters."


class DoctorDetailsMissing(InvalidInput):
    message = "A doctor needs a department and a room."


class PhoneNumberRequired(InvalidInput):
    message = "A patient needs a phone number."


class InvalidRole(InvalidInput):
    message = "role must be one of admin, receptionist, doctor, patient."
