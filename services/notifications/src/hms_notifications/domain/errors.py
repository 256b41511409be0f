"""Domain errors (stdlib and hms_platform.domain_errors only): each category derives from the
platform's, whose status the API answers with."""

from __future__ import annotations

from hms_platform import domain_errors as base


class NotificationsError(base.DomainError):
    """Base of this service's domain errors."""


class NotFound(NotificationsError, base.NotFound):
    pass


class NotAllowed(NotificationsError, base.NotAllowed):
    pass


class ContactNotYetKnown(NotificationsError):
    """An event needs the recipient's contact details before their own event has arrived (a
    walk-in's code and registration leave auth together): raised so the event is retried."""


class InvalidRequest(NotificationsError, base.InvalidRequest):
    """Input the schema accepted but the rules refuse (e.g. quiet hours that start and end at
    the same minute)."""
