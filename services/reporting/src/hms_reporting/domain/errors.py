"""Reporting's domain errors (stdlib only; the API maps their bases to statuses)."""


class ReportingError(Exception):
    """Base of reporting's domain errors."""


class InvalidRequest(ReportingError):
    """A report asked for something that makes no sense (422)."""


class NotAllowed(ReportingError):
    """The caller may not read reports (403)."""
