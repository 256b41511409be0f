"""Named waiting-room displays: an admin makes, lists and revokes them; a screen's link is
checked against them (the display exists and is not revoked) when its page or stream opens and
at every change and heartbeat of its stream."""

from __future__ import annotations

import structlog

from hms_platform.clock import Clock
from hms_queue.domain import errors as exc
from hms_queue.domain.display import Display
from hms_queue.service_layer import access
from hms_queue.service_layer.commands import (
    ActiveDisplay,
    CreateDisplay,
    ListDisplays,
    RevokeDisplay,
)
from hms_queue.service_layer.ports import UnitOfWork

log = structlog.get_logger(__name__)


async def create_display(cmd: CreateDisplay, uow: UnitOfWork, clock: Clock) -> Display:
    access.authorize(cmd, action="make named displays")
    display = Display.create(cmd.name, cmd.doctor_ids, clock.now(), cmd.actor.user_id,
                             max_doctors=cmd.max_doctors)
    async with uow:
        await uow.displays.save(display)
        await uow.commit()
    log.info("queue.display_created", display_id=str(display.id),
             lines=len(display.doctor_ids))
    return display


async def list_displays(cmd: ListDisplays, uow: UnitOfWork) -> list[Display]:
    access.authorize(cmd, action="list named displays")
    async with uow:
        return await uow.displays.all()


async def revoke_display(cmd: RevokeDisplay, uow: UnitOfWork, clock: Clock) -> Display:
    """Revoked (again: nothing changes). Its lines are told they changed, so every API
    process's streams of this display wake now, find it revoked and end."""
    access.authorize(cmd, action="revoke named displays")
    async with uow:
        display = await uow.displays.get(cmd.display_id, for_update=True)
        if display is None:
            raise exc.DisplayNotFound("No such display.")
        if display.revoke(clock.now(), cmd.actor.user_id):
            await uow.displays.save(display)
            for doctor_id in display.doctor_ids:
                uow.line_changed(doctor_id)
            await uow.commit()
            log.info("queue.display_revoked", display_id=str(display.id))
    return display


async def active_display(cmd: ActiveDisplay, uow: UnitOfWork) -> Display | None:
    async with uow:
        display = await uow.displays.get(cmd.display_id)
    return display if display is not None and display.active else None
