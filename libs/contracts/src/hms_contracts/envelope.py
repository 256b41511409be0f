"""The envelope every integration event travels in (docs/asyncapi.yaml)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class EventPayload(BaseModel):
    """Base of every event payload. Subclasses set ``NAME`` (the routing key) and ``PRODUCER``.

    Unknown fields are ignored so that a producer may add optional fields within a version.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    NAME: ClassVar[str]
    PRODUCER: ClassVar[str]


class Envelope(BaseModel):
    """The wire form of an event: metadata plus the payload as plain JSON."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    event_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    name: str = Field(min_length=3, max_length=200)
    occurred_at: AwareDatetime = Field(default_factory=lambda: datetime.now(UTC))
    producer: str = Field(min_length=1, max_length=50)
    correlation_id: str | None = Field(default=None, max_length=200)
    causation_id: str | None = Field(default=None, max_length=200)
    payload: dict[str, Any]

    @classmethod
    def of(
        cls,
        event: EventPayload,
        *,
        correlation_id: str | None = None,
        causation_id: str | None = None,
        occurred_at: datetime | None = None,
        event_id: uuid.UUID | None = None,
    ) -> Envelope:
        """Wrap a typed payload; name and producer come from the payload class."""
        data: dict[str, Any] = {
            "name": event.NAME,
            "producer": event.PRODUCER,
            "correlation_id": correlation_id,
            "causation_id": causation_id,
            "payload": event.model_dump(mode="json"),
        }
        if occurred_at is not None:
            data["occurred_at"] = occurred_at
        if event_id is not None:
            data["event_id"] = event_id
        return cls.model_validate(data)

    def to_json(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def from_json(cls, raw: bytes | str) -> Envelope:
        return cls.model_validate_json(raw)
