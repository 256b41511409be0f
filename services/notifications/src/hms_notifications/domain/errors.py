"""Domain errors (stdlib only); entrypoints/api/errors.py maps their bases to statuses."""

from __future__ import annotations


class NotificationsError(Exception):
    """Base of this service's domain errors."""


class NotFound(NotificationsError):
    pass


class NotAllowed(NotificationsError):
    pass


class ContactNotYetKnown(NotificationsError):
    """An event needs the recipient's contact details before their own event has arrived (a
    walk-in's code and registration leave auth together): raised so the event is retried."""


class InvalidRequest(NotificationsError):
    """Input the schema accepted but the rules refuse (e.g. quiet hours that start and end at
    the same minute)."""
