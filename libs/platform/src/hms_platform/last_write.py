"""Last write wins, per field, for writes made offline (issue #20): a write may carry the
client's time (``client_updated_at``); each aggregate keeps, per field, when it was last written
and whether by staff (``field_times``: ``{field: {"at": iso, "staff": bool}}``). A staff write
wins over a patient's whatever the times; otherwise the later time wins. A write without a
client time is live: it applies as it always did, and stamps the field with the server's now.

Stdlib only (and the platform's error categories), so that a domain may import it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

from hms_platform.domain_errors import InvalidRequest

APPLIED, SUPERSEDED = "applied", "superseded"  # the HMS-Write-Outcome header's values
OUTCOME_HEADER = "HMS-Write-Outcome"
STAFF_ROLES = frozenset({"admin", "receptionist", "doctor"})
DEFAULT_MAX_AGE_DAYS = 7
FieldTimes = dict[str, dict[str, Any]]
A = TypeVar("A", bound="Aggregate")


class ClientTimeTooOld(InvalidRequest):
    """A client time older than the setting: the client held the write too long (422)."""


def wins(stored_at: datetime | None, stored_staff: bool, at: datetime, staff: bool) -> bool:
    """Does a write at ``at`` (by staff or not) win over the field's last write? Staff over a
    patient whatever the times; between equals the later time, a tie to the newcomer."""
    if stored_at is None:
        return True
    if staff != stored_staff:
        return staff
    return at >= stored_at


@dataclass(frozen=True)
class Write:
    """One write's time and kind of writer; ``offline``: it carried a client time."""

    at: datetime
    staff: bool
    offline: bool = False

    @classmethod
    def of(cls, client_at: datetime | None, now: datetime, *, role: str,
           max_age_days: int = DEFAULT_MAX_AGE_DAYS) -> Write:
        """A client time in the future counts as ``now`` (a fast clock must not win forever);
        one older than ``max_age_days`` is refused."""
        if client_at is None:
            return cls(now, role in STAFF_ROLES)
        if now - client_at > timedelta(days=max_age_days):
            raise ClientTimeTooOld(f"client_updated_at is older than {max_age_days} days")
        return cls(min(client_at, now), role in STAFF_ROLES, offline=True)

    def may_write(self, times: Mapping[str, Any] | None, name: str) -> bool:
        """A live write always applies; an offline one only if it wins over the last."""
        entry = (times or {}).get(name)
        if not self.offline or not entry:
            return True
        return wins(datetime.fromisoformat(entry["at"]), bool(entry["staff"]), self.at,
                    self.staff)

    def stamp(self, times: Mapping[str, Any] | None, names: Iterable[str]) -> FieldTimes:
        """``times`` with ``names`` last written by this write (a new dict)."""
        stamped: FieldTimes = {k: dict(v) for k, v in (times or {}).items()}
        for name in names:
            stamped[name] = {"at": self.at.isoformat(), "staff": self.staff}
        return stamped


def outcome(write: Write, applied: bool) -> str | None:
    """The HMS-Write-Outcome of a write: only offline writes say it."""
    if not write.offline:
        return None
    return APPLIED if applied else SUPERSEDED


class Aggregate(Protocol):
    """What the rule needs of an aggregate: its per-field times, and where to say the last
    command's outcome (not stored)."""

    field_times: dict[str, Any]
    write_outcome: str | None


def settle(aggregate: Aggregate, write: Write, names: Iterable[str], applied: bool) -> None:
    """Stamp the fields a write changed, and say its outcome (offline writes only)."""
    if applied:
        aggregate.field_times = write.stamp(aggregate.field_times, names)
    aggregate.write_outcome = outcome(write, applied)


def move_wins(aggregate: A, write: Write, move: Callable[[A], object],
              name: str = "status") -> bool:
    """May ``move`` change the aggregate's ``name`` (its status) now? It is tried on a copy
    first, so that a move no longer legal raises (rejected) even when it also lost; a legal
    move that lost returns False and leaves the aggregate as it is (superseded)."""
    move(copy.deepcopy(aggregate))
    wins = write.may_write(aggregate.field_times, name)
    settle(aggregate, write, [name], wins)
    return wins
