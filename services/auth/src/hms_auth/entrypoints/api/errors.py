"""Domain errors -> HTTP statuses, in one place (subclasses inherit their base's status)."""

from __future__ import annotations

from hms_auth.domain import errors

ERROR_MAP: dict[type[Exception], int] = {
    errors.NotAuthenticated: 401,
    errors.Forbidden: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.InvalidInput: 422,
    errors.TooManyAttempts: 429,
    errors.ServiceBusy: 503,
}
