"""Waiting-room displays: links for screens. A link made with only doctors' lines is signed
and expires (at most ``QUEUE_DISPLAY_MAX_HOURS``); a named display, made by an admin, holds
until it is revoked (its screens then stop at once: routes/live.py ends their streams)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from hms_platform.auth import Principal, require_role
from hms_platform.errors import Unprocessable
from hms_platform.roles import STAFF
from hms_queue.domain.actor import Actor
from hms_queue.domain.display import Display
from hms_queue.entrypoints.api import PREFIX
from hms_queue.entrypoints.api import schemas as s
from hms_queue.entrypoints.api.deps import Bus, caller
from hms_queue.entrypoints.api.display_links import DisplayGrant, NamedGrant, sign, sign_named
from hms_queue.service_layer import commands as c

router = APIRouter(prefix=PREFIX, tags=["live"])


def _link(token: str) -> str:
    return f"{PREFIX}/display?token={token}"


@router.post("/displays", status_code=201,
             response_model=s.DisplayPublic | s.NamedDisplayPublic, responses=s.problems(403))
async def create_display(
    body: s.NamedDisplayCreate | s.DisplayCreate, request: Request,
    principal: Annotated[Principal, Depends(require_role(*sorted(STAFF)))],
) -> s.DisplayPublic | s.NamedDisplayPublic:
    """With ``name``: a named display (admin only), whose link holds until it is revoked.
    Without: a link for a waiting-room screen, signed and expiring, scoped to these lines."""
    settings = request.app.state.settings
    if isinstance(body, s.NamedDisplayCreate):
        actor = Actor(principal.user_id, principal.role)
        display = await request.app.state.bus.handle(c.CreateDisplay(
            actor, body.name, tuple(body.doctor_ids), settings.display_max_doctors))
        return _named(request, display)
    doctor_ids = tuple(dict.fromkeys(body.doctor_ids))
    if len(doctor_ids) > settings.display_max_doctors:
        raise Unprocessable(f"A display link shows at most {settings.display_max_doctors} "
                            "lines.")
    hours = min(body.hours, settings.display_max_hours)
    expires = request.app.state.clock.now() + timedelta(hours=hours)
    token = sign(settings.display_secret.get_secret_value(), DisplayGrant(doctor_ids, expires))
    return s.DisplayPublic(url=_link(token), expires_at=expires)


def _named(request: Request, display: Display) -> s.NamedDisplayPublic:
    token = sign_named(request.app.state.settings.display_secret.get_secret_value(),
                       NamedGrant(display.id))
    return s.NamedDisplayPublic(id=display.id, name=display.name,
                                doctor_ids=list(display.doctor_ids),
                                url=_link(token) if display.active else None,
                                created_at=display.created_at, revoked_at=display.revoked_at)


@router.get("/displays", response_model=list[s.NamedDisplayPublic], responses=s.problems(403))
async def list_displays(request: Request, bus: Bus,
                        actor: Annotated[Actor, caller(c.ListDisplays)],
                        ) -> list[s.NamedDisplayPublic]:
    """Every named display (admin), revoked ones with no link."""
    return [_named(request, d) for d in await bus.handle(c.ListDisplays(actor))]


@router.delete("/displays/{display_id}", status_code=204, responses=s.problems(403, 404))
async def revoke_display(display_id: uuid.UUID, bus: Bus,
                         actor: Annotated[Actor, caller(c.RevokeDisplay)]) -> Response:
    """Revoke a named display (admin): its screens' streams end at once, and its links (the
    admin's and the screens' fresh ones) are refused from now on."""
    await bus.handle(c.RevokeDisplay(actor, display_id))
    return Response(status_code=204)
