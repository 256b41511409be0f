"""What happened to a message, in domain terms; the unit of work turns these into the
integration events of hms_contracts.notifications (adapters/contracts.py)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class NotificationSent:
    notification_id: uuid.UUID
    recipient_id: uuid.UUID
    channel: str
    kind: str
    dedup_key: str
    attempts: int


@dataclass(frozen=True)
class NotificationFailed:
    notification_id: uuid.UUID
    recipient_id: uuid.UUID
    channel: str
    kind: str
    dedup_key: str
    attempts: int
    reason: str | None = None  # "capped": held back by the hourly cap, never sent
