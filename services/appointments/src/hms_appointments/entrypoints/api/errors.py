"""Domain errors -> HTTP statuses, in one place (the platform renders problem+json)."""

from __future__ import annotations

from hms_appointments.domain import errors as exc

ERROR_MAP: dict[type[Exception], int] = {
    exc.NotFound: 404,
    exc.NotAllowed: 403,
    exc.Conflict: 409,
    exc.InvalidRequest: 422,
    exc.TooManyCancellations: 429,
}
