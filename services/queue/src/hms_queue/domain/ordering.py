"""The order of a line: lower effective urgency first, then the time the ticket joined the line
(FIFO), then its id. A waiting ticket's effective urgency improves by one level for every
``aging`` minutes waited (never below 1; 0 turns aging off), so routine patients are never
starved. The repositories compute the same order in SQL (``adapters/tickets.py``).

Within one urgency level the effective urgency can only stay or improve the earlier a ticket
joined, so a level's tickets sorted by (joined, id) are also in call order. Hence the next
ticket is one of the five levels' heads, and the tickets ahead of a given one are, in each
level, a prefix by (joined, id): ``ahead_bound`` says where that prefix ends, so the database
counts it over an index instead of sorting the line.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

LEVELS = range(1, 6)  # urgency 1 (most urgent) .. 5 (routine), as the ESI
MIN_UUID = uuid.UUID(int=0)


def effective_urgency(urgency: int, queued_at: datetime, now: datetime, aging: int) -> int:
    if aging <= 0:
        return urgency
    waited = max(0.0, (now - queued_at).total_seconds())
    return max(1, urgency - int(waited // (aging * 60)))


@dataclass(frozen=True, order=True)
class OrderKey:
    effective: int
    queued_at: datetime
    id: uuid.UUID


def order_key(urgency: int, queued_at: datetime, ticket_id: uuid.UUID, now: datetime,
              aging: int) -> OrderKey:
    return OrderKey(effective_urgency(urgency, queued_at, now, aging), queued_at, ticket_id)


ALL = "all"
NONE = "none"
Bound = tuple[datetime, uuid.UUID] | str  # exclusive upper bound on (queued_at, id), ALL, NONE


def ahead_bound(level: int, target: OrderKey, now: datetime, aging: int) -> Bound:
    """The tickets of urgency ``level`` ahead of ``target``: those with (queued_at, id) below
    the returned pair, or ALL of them, or NONE."""
    e = target.effective
    if level < e:
        return ALL  # effective urgency never exceeds the urgency itself
    own = (target.queued_at, target.id)
    if aging <= 0:
        return own if level == e else NONE
    step = timedelta(minutes=aging)
    micro = timedelta(microseconds=1)  # Postgres and Python timestamps: microseconds
    # effective < e  <=>  joined at or before now - (level - e + 1) * aging (needs e > 1)
    better = (now - (level - e + 1) * step + micro, MIN_UUID) if e > 1 else None
    # effective <= e  <=>  joined at or before now - (level - e) * aging; ties go by (joined, id)
    tied = own if level == e else min((now - (level - e) * step + micro, MIN_UUID), own)
    return max(better, tied) if better else tied
