"""GET /api/audit: the audit trail, newest first, filtered and paginated. Read-only: nothing in
the API changes or deletes it."""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from hms_reporting.domain.errors import InvalidRequest
from hms_reporting.domain.queries import AuditQuery
from hms_reporting.entrypoints.api import AUDIT
from hms_reporting.entrypoints.api.deps import Admin, Asked, Bus, Format
from hms_reporting.entrypoints.api.output import respond
from hms_reporting.service_layer import commands as c

router = APIRouter(prefix=AUDIT, tags=["audit"])
COLUMNS = ["occurred_at", "action", "actor_id", "actor_name", "actor_role", "subject_id",
           "subject_name", "correlation_id", "event_id", "detail"]
MAX_ENTRY_ID = 2**63 - 1  # audit_log.id is a BIGINT


def encode_cursor(cursor: tuple[datetime, int] | None) -> str | None:
    if cursor is None:
        return None
    return base64.urlsafe_b64encode(f"{cursor[0].isoformat()}|{cursor[1]}".encode()).decode()


def decode_cursor(text: str | None) -> tuple[datetime, int] | None:
    """The (occurred_at, id) a cursor of ``encode_cursor`` holds. Anything else, however it
    is malformed (not base64, not ASCII, a field too many, a naive or non-UTC time, an id out
    of BIGINT's range...), is InvalidRequest (422), never a value the database would choke on:
    only a cursor that encodes back to exactly itself is one this API gave."""
    if not text:
        return None
    invalid = InvalidRequest("cursor is not one this API gave")
    try:
        at, entry = base64.urlsafe_b64decode(text.encode("ascii")).decode("ascii").split("|")
        parsed, number = datetime.fromisoformat(at), int(entry)
    except (ValueError, binascii.Error, UnicodeError) as error:
        raise invalid from error
    if (parsed.utcoffset() != timedelta(0) or not 0 < number <= MAX_ENTRY_ID
            or encode_cursor((parsed, number)) != text):
        raise invalid
    return parsed, number


@router.get("", response_model=None, responses={
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}},
    401: {"description": "no valid token"}, 403: {"description": "not an admin"},
    422: {"description": "bad input"}})
async def audit_trail(
    _: Admin, bus: Bus, period: Asked, actor_id: uuid.UUID | None = None,
    subject_id: uuid.UUID | None = None,
    action: Annotated[str | None, Query(max_length=80)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    format: Format = "json",
) -> Response:
    """Who did what to what, when: newest first; ``next_cursor`` fetches the next page."""
    query = AuditQuery(period, actor_id, subject_id, action, limit, decode_cursor(cursor))
    rows, following = await bus.handle(c.AuditTrail(query))
    entries = [{k: r[k] for k in COLUMNS} for r in rows]
    next_cursor = encode_cursor(following)
    body: dict[str, Any] = {"from": period.start, "to": period.end, "items": entries,
                            "next_cursor": next_cursor}
    headers = {"X-Next-Cursor": next_cursor} if next_cursor else None
    return respond(body, "items", format, f"audit-{period.start}-{period.end}", COLUMNS, headers)
