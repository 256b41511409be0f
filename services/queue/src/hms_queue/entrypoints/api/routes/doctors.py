"""A doctor's line: reading it and calling the next ticket."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from hms_platform.auth import get_principal
from hms_queue.domain.actor import Actor
from hms_queue.entrypoints.api import PREFIX, views
from hms_queue.entrypoints.api import schemas as s
from hms_queue.entrypoints.api.deps import Bus, caller
from hms_queue.service_layer import commands as c

router = APIRouter(prefix=f"{PREFIX}/doctors", tags=["lines"],
                   dependencies=[Depends(get_principal)])


@router.get("/{doctor_id}", response_model=s.LinePublic, responses=s.problems(403))
async def line(
    doctor_id: uuid.UUID, bus: Bus, actor: Annotated[Actor, caller(c.GetLine)],
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> s.LinePublic:
    """Today's waiting line in call order, and who is being seen (that doctor, staff)."""
    view = await bus.handle(c.GetLine(actor, doctor_id, limit, offset))
    return views.line(view, limit, offset)


@router.post("/{doctor_id}/call-next", response_model=s.TicketPublic,
             responses=s.problems(403, 404, 409))
async def call_next(doctor_id: uuid.UUID, bus: Bus,
                    actor: Annotated[Actor, caller(c.CallNext)]) -> s.TicketPublic:
    """The next ticket becomes ``called``. Another doctor's line: 403; nobody waiting: 404;
    a ticket still called (serve or miss it first): 409."""
    done = await bus.handle(c.CallNext(actor, doctor_id))
    return views.ticket(done)
