"""No-show penalties."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from hms_appointments.domain.actor import Actor
from hms_appointments.entrypoints.api import PREFIX, views
from hms_appointments.entrypoints.api import schemas as s
from hms_appointments.entrypoints.api.deps import Bus, caller
from hms_appointments.service_layer import commands as c
from hms_platform.auth import get_principal

router = APIRouter(prefix=f"{PREFIX}/penalties", tags=["penalties"],
                   dependencies=[Depends(get_principal)])


@router.get("", response_model=s.PenaltyPage, responses=s.problems(403))
async def list_penalties(
    bus: Bus, actor: Annotated[Actor, caller(c.ListPenalties)], patient_id: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> s.PenaltyPage:
    """Staff see anyone's (filter by ``patient_id``); a patient sees only their own."""
    page = await bus.handle(c.ListPenalties(actor, patient_id, limit, offset))
    return s.PenaltyPage(items=[views.penalty(v) for v in page.items], total=page.total,
                         limit=limit, offset=offset)


@router.post("/{penalty_id}/waive", response_model=s.PenaltyPublic,
             responses=s.problems(403, 404, 409))
async def waive_penalty(
    penalty_id: uuid.UUID, body: s.WaiveRequest, bus: Bus,
    actor: Annotated[Actor, caller(c.WaivePenalty)],
) -> s.PenaltyPublic:
    return views.penalty(await bus.handle(c.WaivePenalty(actor, penalty_id, body.reason)))
