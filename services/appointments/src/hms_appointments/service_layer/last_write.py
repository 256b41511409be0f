"""Offline writes in appointments (hms_platform.last_write): last-write-wins on an
appointment's status (cancel, check-in) and start (reschedule), staff over patients. A move no
longer legal is refused whatever the times (rejected); a legal one that lost changes nothing
(superseded)."""

from __future__ import annotations

from datetime import datetime

from hms_appointments.domain.actor import Actor
from hms_appointments.domain.rules import Rules
from hms_platform.last_write import Write, move_wins, settle

__all__ = ["move_wins", "settle", "write_of"]


def write_of(actor: Actor, client_at: datetime | None, now: datetime, rules: Rules) -> Write:
    """The write's time (the client's, clamped to now; too old: 422) and kind of writer."""
    return Write.of(client_at, now, role=actor.role,
                    max_age_days=rules.client_time_max_age_days)
