"""A fact: one integration event as the domain sees it (name, time, plain payload values)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any


def stamp_of(occurred_at: datetime, event_id: str) -> str:
    """An ordering key that compares as text: the UTC instant (fixed width), then the event id
    to break ties. Whichever order events arrive in, the greatest stamp names the latest."""
    return f"{occurred_at.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%S.%f')}|{event_id}"


@dataclass(frozen=True)
class Fact:
    event_id: str
    name: str
    occurred_at: datetime
    data: Mapping[str, Any] = field(default_factory=dict)
    correlation_id: str | None = None

    # Both are asked for several times per fact (each merge rule, the audit): made once.
    @cached_property
    def stamp(self) -> str:
        return stamp_of(self.occurred_at, self.event_id)

    @cached_property
    def kind(self) -> str:
        """``appointments.appointment_booked.v1`` -> ``appointment_booked``."""
        parts = self.name.split(".")
        return parts[1] if len(parts) == 3 else self.name
