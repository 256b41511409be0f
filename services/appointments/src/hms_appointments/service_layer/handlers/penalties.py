"""Reading and waiving no-show penalties."""

from __future__ import annotations

from hms_appointments.domain import errors as exc
from hms_appointments.domain.rules import Rules
from hms_appointments.service_layer import access
from hms_appointments.service_layer.commands import ListPenalties, PenaltyView, WaivePenalty
from hms_appointments.service_layer.ports import Page, UnitOfWork
from hms_platform.clock import Clock


async def list_penalties(
    cmd: ListPenalties, uow: UnitOfWork, clock: Clock, rules: Rules
) -> Page[PenaltyView]:
    access.authorize(cmd, action="see penalties")
    patient_id = cmd.patient_id
    if cmd.actor.is_patient:
        if patient_id not in (None, cmd.actor.user_id):
            raise exc.NotAllowed("A patient may see only their own penalties.")
        patient_id = cmd.actor.user_id
    now = clock.now()
    async with uow:
        page = await uow.penalties.search(patient_id, cmd.limit, cmd.offset)
    views = [PenaltyView(p, p.is_active(now, rules.penalties.window)) for p in page.items]
    return Page(views, page.total, page.limit, page.offset)


async def waive_penalty(
    cmd: WaivePenalty, uow: UnitOfWork, clock: Clock, rules: Rules
) -> PenaltyView:
    access.authorize(cmd, action="waive penalties")
    now = clock.now()
    async with uow:
        penalty = await uow.penalties.get(cmd.penalty_id, for_update=True)
        if penalty is None:
            raise exc.PenaltyNotFound(f"Penalty {cmd.penalty_id} not found.")
        penalty.waive(cmd.actor.user_id, cmd.reason, now)
        await uow.penalties.save(penalty)
        await uow.commit()
    return PenaltyView(penalty, active=False)
