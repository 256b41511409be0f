"""The push's and the pull's bodies (docs/api.md, "Sync")."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from hms_platform.web.openapi import problems

__all__ = ["Batch", "Changes", "Results", "problems"]

MAX_OPERATIONS = 500


class OperationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    op_id: str = Field(min_length=1, max_length=255, pattern=r"^[\x21-\x7e]+$",
                       description="the operation's idempotency key (a UUID)")
    entity: str = Field(max_length=40, description="patient, preferences, ticket, appointment")
    action: str = Field(max_length=40)
    id: uuid.UUID | None = Field(default=None, description=(
        "the record's; for a create, the client's own UUID for the new record"))
    fields: dict[str, Any] = Field(default_factory=dict, max_length=20)
    client_updated_at: str | None = Field(default=None, max_length=64,
                                          description="RFC 3339, with its offset")


class Batch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    operations: list[OperationIn] = Field(max_length=MAX_OPERATIONS)


class ResultOut(BaseModel):
    op_id: str
    outcome: Literal["applied", "duplicate", "superseded", "rejected"]
    entity: str
    id: uuid.UUID | None = None
    current: dict[str, Any] | None = Field(default=None, description=(
        "superseded: the record as it is"))
    problem: dict[str, Any] | None = Field(default=None, description=(
        "rejected: why (problem+json)"))


class Results(BaseModel):
    results: list[ResultOut]


class ChangeOut(BaseModel):
    entity: Literal["patient", "appointment", "ticket", "message"]
    id: str
    version: int
    deleted: bool
    fields: dict[str, Any]


class Changes(BaseModel):
    changes: list[ChangeOut]
    cursor: str = Field(description="send it with the next pull")
    has_more: bool = Field(description="true: pull again now for the rest")
