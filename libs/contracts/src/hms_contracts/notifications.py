"""Events published by the notifications service."""

from __future__ import annotations

import uuid
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from hms_contracts.envelope import EventPayload
from hms_contracts.fields import Channel, NotificationKind


class _Delivery(EventPayload):
    """Fields shared by both delivery outcomes (no NAME: not an event itself)."""

    PRODUCER: ClassVar[str] = "notifications"

    notification_id: uuid.UUID
    recipient_id: uuid.UUID
    channel: Channel
    kind: NotificationKind
    dedup_key: str
    attempts: Annotated[int, Field(ge=1)]


class NotificationSent(_Delivery):
    """A message was handed to its channel's provider."""

    NAME: ClassVar[str] = "notifications.notification_sent.v1"


class NotificationFailed(_Delivery):
    """A message could not be delivered; `attempts` says how often it was tried."""

    NAME: ClassVar[str] = "notifications.notification_failed.v1"

    # Optional (older producers omit it): why it was not sent when no provider refused it.
    reason: Literal["capped"] | None = Field(
        default=None,
        description="'capped': never sent, held back by the cap on messages per recipient and "
                    "hour (attempts is then 1); null: the provider refused it or the retries "
                    "ran out.")
