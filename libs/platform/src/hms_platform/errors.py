"""Errors that carry their HTTP meaning, for the platform's own plumbing.

Services' domain errors derive from :mod:`hms_platform.domain_errors` instead (stdlib only, so
domains may import it); :func:`hms_platform.web.problems.install_problem_handlers` answers both.
"""

from __future__ import annotations


class PlatformError(Exception):
    """An error with an HTTP status and a problem type (RFC 9457)."""

    status: int = 500
    title: str = "Internal Server Error"
    type: str = "about:blank"

    def __init__(self, detail: str = "", **extra: object) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.extra = extra


class Unauthorized(PlatformError):
    status = 401
    title = "Unauthorized"
    type = "https://hms.example/problems/unauthorized"


class Forbidden(PlatformError):
    status = 403
    title = "Forbidden"
    type = "https://hms.example/problems/forbidden"


class NotFound(PlatformError):
    status = 404
    title = "Not Found"
    type = "https://hms.example/problems/not-found"


class Conflict(PlatformError):
    status = 409
    title = "Conflict"
    type = "https://hms.example/problems/conflict"


class Unprocessable(PlatformError):
    status = 422
    title = "Unprocessable Content"
    type = "https://hms.example/problems/validation"


class ServiceUnavailable(PlatformError):
    status = 503
    title = "Service Unavailable"
    type = "https://hms.example/problems/unavailable"
