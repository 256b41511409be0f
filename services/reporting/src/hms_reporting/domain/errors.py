"""Reporting's domain errors: each category derives from the platform's
(hms_platform.domain_errors), whose status the API answers with."""

from hms_platform import domain_errors as base


class ReportingError(base.DomainError):
    """Base of reporting's domain errors."""


class InvalidRequest(ReportingError, base.InvalidRequest):
    """A report asked for something that makes no sense (422)."""


class NotAllowed(ReportingError, base.NotAllowed):
    """The caller may not read reports (403)."""
