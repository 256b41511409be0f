"""Push: each operation of a batch, in order, to its owner's normal route with the caller's
token and the op_id as Idempotency-Key. One operation's failure never stops the others, and an
owner applies an operation whole or not at all (its own transaction)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from hms_sync.domain.operations import (
    PREFERENCES,
    Caller,
    Operation,
    OwnerRequest,
    Refused,
    preferences_body,
    request_for,
)
from hms_sync.domain.outcomes import (
    OwnerAnswer,
    Result,
    outcome_of,
    problem,
    rejected,
    unavailable,
    voucher_of,
)
from hms_sync.service_layer.ports import OwnerApi


def _refused(op: Operation, why: str) -> Result:
    return rejected(op, problem(422, "Unprocessable Content", why))


NOT_ATTEMPTED = ("Not sent to its owner: the batch ran out of time before this operation. "
                 "Nothing was applied; send it again.")


async def push(operations: Sequence[Operation], caller: Caller, authorization: str,
               owners: OwnerApi, *, seconds: float | None = None,
               monotonic: Callable[[], float] = time.monotonic) -> list[Result]:
    """One result per operation, in the same order. A later operation may name a record an
    earlier one created (a walk-in registered, then given a ticket: auth's voucher for them
    goes with the ticket). ``seconds``: the batch's time; the operations not yet sent by then
    are rejected as 503 (never sent, safe to send again), so that the answer comes before the
    gateway gives up on the request."""
    results: list[Result] = []
    seen: dict[str, Operation] = {}
    vouchers: dict[str, str] = {}
    deadline = None if seconds is None else monotonic() + seconds
    for op in operations:
        if deadline is not None and monotonic() >= deadline:
            results.append(rejected(op, unavailable(NOT_ATTEMPTED)))
            continue
        first = seen.setdefault(op.op_id, op)
        if first != op:
            results.append(_refused(op, "This op_id was used by another operation of the "
                                        "batch: each operation needs its own."))
            continue
        try:
            request = request_for(op, caller, vouchers)
        except Refused as why:
            results.append(_refused(op, str(why)))
            continue
        answer = await _forward(op, request, authorization, owners)
        results.append(outcome_of(op, answer))
        found = voucher_of(op, answer)
        if found:
            vouchers[found[0]] = found[1]
    return results


async def _forward(op: Operation, request: OwnerRequest, authorization: str,
                   owners: OwnerApi) -> OwnerAnswer:
    if request.path == PREFERENCES:
        # The owner's PUT replaces the whole document: read it, then write it back changed.
        current = await owners.send(OwnerRequest("GET", PREFERENCES),
                                    authorization=authorization, idempotency_key=None)
        if current.status != 200 or not isinstance(current.body, dict):
            return current
        request = OwnerRequest("PUT", PREFERENCES, preferences_body(current.body, op.fields))
    return await owners.send(request, authorization=authorization, idempotency_key=op.op_id)
