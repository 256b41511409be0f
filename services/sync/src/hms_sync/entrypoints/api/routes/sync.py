"""Push and pull. Any signed-in caller may push: each operation's owner decides whether the
caller may do it, as it would for the same request sent online."""

# No `from __future__ import annotations`: FastAPI must see the real annotations.

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from hms_platform.auth import CurrentUser
from hms_platform.web.idempotency import take_key
from hms_sync.domain.operations import Caller, Operation
from hms_sync.entrypoints.api import PREFIX
from hms_sync.entrypoints.api import schemas as s
from hms_sync.service_layer.pull import pull
from hms_sync.service_layer.push import push

router = APIRouter(prefix=PREFIX, tags=["sync"])


@router.post("", response_model=s.Results, response_model_exclude_none=True,
             responses=s.problems(401, 422), dependencies=[Depends(take_key)])
async def push_batch(body: s.Batch, user: CurrentUser, request: Request) -> s.Results:
    """Apply a batch of offline operations, in order, each through its owning service's own
    route (same roles and rules as online), with ``op_id`` as its idempotency key. One result
    per operation, in the same order: applied, duplicate, superseded (``current``: the record
    as it is) or rejected (``problem``). With an ``Idempotency-Key``, the batch sent again
    gets the first answer back, without reaching the owners again."""
    operations = [Operation(o.op_id, o.entity, o.action, o.id, o.fields, o.client_updated_at)
                  for o in body.operations]
    results = await push(operations, Caller(user.user_id, user.role),
                         request.headers["authorization"], request.app.state.owners,
                         seconds=request.app.state.settings.batch_seconds)
    return s.Results.model_validate({"results": [asdict(r) for r in results]})


@router.get("/changes", response_model=s.Changes, responses=s.problems(401, 410, 422))
async def changes(
    user: CurrentUser, request: Request,
    cursor: Annotated[str | None, Query(max_length=1024, description=(
        "the last pull's cursor; none: everything the caller may see"))] = None,
    limit: Annotated[int | None, Query(ge=1, le=5000, description="changes per page")] = None,
) -> s.Changes:
    """The changes the caller may see since ``cursor``: a patient their own profile,
    appointments, tickets and messages; a doctor their own line and appointments; reception
    and admins today's appointments and lines. A record may come twice: keep the highest
    ``version``. 410: the cursor is older than the feed keeps; pull again without one."""
    settings = request.app.state.settings
    pulled = await pull(Caller(user.user_id, user.role), cursor, request.app.state.feed,
                        now=request.app.state.clock.now(), tz=settings.tz,
                        retention=settings.retention,
                        limit=min(limit or settings.page_size, settings.page_size))
    return s.Changes.model_validate(asdict(pulled))
