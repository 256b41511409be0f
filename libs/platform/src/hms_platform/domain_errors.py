"""The errors every service's domain raises, each category with its HTTP status.

Stdlib only, so a domain may import it. A service derives its own base from `DomainError` and
its categories from the ones here (``class NotFound(QueueError, domain_errors.NotFound)``);
:func:`hms_platform.web.problems.install_problem_handlers` answers any of them as problem+json
with the nearest category's `status`: `str(error)` is the detail, `problem_extra` adds members to
the body (its ``headers`` entry becomes response headers), and the optional `problem_type` and
`problem_title` name the problem (else ``about:blank`` and the status's phrase).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import ClassVar

_NOTHING: Mapping[str, object] = MappingProxyType({})


class DomainError(Exception):
    """An error a service raises on purpose. Without a category it is a 500."""

    status: ClassVar[int] = 500
    message: ClassVar[str] = ""  # the detail when none is given; empty: the status's phrase
    problem_type: ClassVar[str | None] = None
    problem_title: ClassVar[str | None] = None
    problem_extra: Mapping[str, object] = _NOTHING

    def __init__(self, message: str | None = None) -> None:
        message = message or self.message
        super().__init__(*((message,) if message else ()))


def retry_later(error: DomainError, retry_after: int) -> int:
    """Tell the caller when to come back: ``Retry-After`` and a `retry_after` member (at least 1
    second, never "Retry-After: 0"). Returns the seconds."""
    seconds = max(1, retry_after)
    error.problem_extra = {**error.problem_extra, "retry_after": seconds,
                           "headers": {"Retry-After": str(seconds)}}
    return seconds


class NotAuthenticated(DomainError):
    """The caller did not prove who they are (401)."""

    status = 401


class NotAllowed(DomainError):
    """The caller may not do this (403)."""

    status = 403


class NotFound(DomainError):
    """Unknown, or not the caller's to see (404, so that existence is not revealed)."""

    status = 404


class Conflict(DomainError):
    """The request clashes with the current state (409)."""

    status = 409


class Gone(DomainError):
    """What was asked for is no longer kept (410): start again from what is (a full
    snapshot)."""

    status = 410


class InvalidRequest(DomainError):
    """Well-formed, but a domain rule refuses it (422)."""

    status = 422


class TooManyRequests(DomainError):
    """The caller asked too often (429), with Retry-After when `retry_after` is given."""

    status = 429

    def __init__(self, message: str | None = None, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        if retry_after is not None:
            self.retry_after = retry_later(self, retry_after)


class Unavailable(DomainError):
    """The service cannot take this now (503), with Retry-After when `retry_after` is given."""

    status = 503

    def __init__(self, message: str | None = None, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        if retry_after is not None:
            self.retry_after = retry_later(self, retry_after)


CATEGORIES: tuple[type[DomainError], ...] = (
    NotAuthenticated, NotAllowed, NotFound, Conflict, Gone, InvalidRequest, TooManyRequests,
    Unavailable,
)
