"""Domain errors -> HTTP statuses, in one place (the platform renders problem+json)."""

from __future__ import annotations

from hms_reporting.domain import errors as exc

ERROR_MAP: dict[type[Exception], int] = {
    exc.NotAllowed: 403,
    exc.InvalidRequest: 422,
}
