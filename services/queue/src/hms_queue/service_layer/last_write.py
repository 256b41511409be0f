"""Offline writes in the queue (hms_platform.last_write): per field last-write-wins on a
ticket's urgency, doctor_id and status, staff over patients. A status move that is no longer
legal is refused whatever the times (rejected); a legal one that lost changes nothing
(superseded)."""

from __future__ import annotations

from datetime import datetime

from hms_platform.last_write import Write, move_wins, settle
from hms_queue.domain.actor import Actor
from hms_queue.domain.policy import Policy

__all__ = ["move_wins", "settle", "write_of"]


def write_of(actor: Actor, client_at: datetime | None, now: datetime, policy: Policy) -> Write:
    """The write's time (the client's, clamped to now; too old: 422) and kind of writer."""
    return Write.of(client_at, now, role=actor.role,
                    max_age_days=policy.client_time_max_age_days)
