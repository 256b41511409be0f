"""The events the feed is built from, each to its handler, and auth's revocations and key
rotations for the API's token checks."""

from __future__ import annotations

from typing import Any

from hms_contracts import appointments as a
from hms_contracts import auth
from hms_contracts import notifications as n
from hms_contracts import queue as q
from hms_platform.revocation import record_sessions_revoked, record_signing_key_rotated
from hms_sync.service_layer.feed import record_change

FEED_EVENTS = (
    auth.UserRegistered, auth.UserUpdated, auth.UserDeactivated,
    a.AppointmentBooked, a.AppointmentRescheduled, a.AppointmentCancelled, a.PatientCheckedIn,
    a.AppointmentCompleted, a.AppointmentNoShow,
    q.TicketIssued, q.TurnApproaching, q.PatientCalled, q.PatientServed, q.TicketMissed,
    q.TicketCancelled, q.TicketChanged,
    n.NotificationSent, n.NotificationFailed,
)

HANDLERS: dict[type, Any] = {
    **dict.fromkeys(FEED_EVENTS, record_change),
    auth.SessionsRevoked: record_sessions_revoked,
    auth.SigningKeyRotated: record_signing_key_rotated,
}
