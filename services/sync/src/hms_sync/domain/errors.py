"""Sync's domain errors: each category derives from the platform's
(hms_platform.domain_errors), whose status the API answers with."""

from hms_platform import domain_errors as base


class SyncError(base.DomainError):
    """Base of sync's domain errors."""


class InvalidRequest(SyncError, base.InvalidRequest):
    """A batch or a cursor that makes no sense (422)."""


class Gone(SyncError, base.Gone):
    """No longer kept (410)."""


class CursorExpired(Gone):
    """The cursor is older than the feed keeps: changes since then may be gone."""

    problem_title = "Cursor expired"
    problem_type = "https://hms.local/problems/sync-cursor-expired"
