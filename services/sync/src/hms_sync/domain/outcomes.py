"""What an owner's answer means for the client: applied, duplicate, superseded or rejected
(the owners' protocol: docs/api.md, "Offline writes")."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from hms_sync.domain.operations import Operation

APPLIED, DUPLICATE, SUPERSEDED, REJECTED = "applied", "duplicate", "superseded", "rejected"


@dataclass(frozen=True)
class OwnerAnswer:
    """An owner's HTTP answer: ``superseded`` from ``HMS-Write-Outcome: superseded``,
    ``replayed`` from ``Idempotent-Replayed: true``; ``body`` parsed JSON (None if none)."""

    status: int
    body: Any = None
    superseded: bool = False
    replayed: bool = False


@dataclass(frozen=True)
class Result:
    op_id: str
    outcome: str
    entity: str
    id: uuid.UUID | None
    current: dict[str, Any] | None = None
    problem: dict[str, Any] | None = None


def problem(status: int, title: str, detail: str, **extra: Any) -> dict[str, Any]:
    """A problem+json object (RFC 9457)."""
    return {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}


def unavailable(detail: str = "The owning service did not answer; nothing was applied. "
                "Send the operation again later.") -> dict[str, Any]:
    return problem(503, "Service Unavailable", detail, retry_after=1)


def rejected(op: Operation, why: dict[str, Any]) -> Result:
    return Result(op.op_id, REJECTED, op.entity, op.id, problem=why)


def _record_id(op: Operation, body: Any) -> uuid.UUID | None:
    if op.id is not None or not isinstance(body, dict):
        return op.id
    try:
        return uuid.UUID(str(body.get("id")))
    except ValueError:
        return None


def outcome_of(op: Operation, answer: OwnerAnswer) -> Result:
    """A 4xx is the owner's refusal (its problem kept as it came); a 5xx, a timeout or no
    connection changed nothing there (the owner rolled back): rejected as 503, to retry. A 2xx
    replayed from the idempotency key is a duplicate; one the owner says lost to a newer or a
    staff write is superseded, with the record as it is."""
    if answer.status >= 500:
        return rejected(op, unavailable())
    if answer.status >= 400:
        body = answer.body if isinstance(answer.body, dict) else None
        return rejected(op, body or problem(answer.status, "Rejected",
                                            "The owning service refused the operation."))
    if answer.status < 200 or answer.status >= 300:
        return rejected(op, problem(502, "Bad Gateway",
                                    f"The owning service answered {answer.status}."))
    record = _record_id(op, answer.body)
    if answer.replayed:
        return Result(op.op_id, DUPLICATE, op.entity, record)
    if answer.superseded:
        current = answer.body if isinstance(answer.body, dict) else None
        return Result(op.op_id, SUPERSEDED, op.entity, record, current=current)
    return Result(op.op_id, APPLIED, op.entity, record)


def voucher_of(op: Operation, answer: OwnerAnswer) -> tuple[str, str] | None:
    """A walk-in registered by this batch: (their id, the voucher auth answered), so that a
    later ticket.issue of the same batch can name them before the queue heard of them."""
    if (op.entity, op.action) != ("patient", "register") or not 200 <= answer.status < 300:
        return None
    body = answer.body if isinstance(answer.body, dict) else {}
    voucher, patient = body.get("voucher"), body.get("id") or op.id
    return (str(patient), voucher) if isinstance(voucher, str) and patient else None
