"""FastAPI dependencies: the message bus, and the caller as a domain ``Actor``."""

# No `from __future__ import annotations` here: FastAPI must see the closure's real
# annotation (it refers to a local), not a string it would fail to resolve.

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request

from hms_appointments.bootstrap import MessageBus
from hms_appointments.domain.actor import ADMIN, DOCTOR, PATIENT, RECEPTIONIST, Actor
from hms_platform.auth import CurrentUser, Principal, require_role


def get_bus(request: Request) -> MessageBus:
    bus: MessageBus = request.app.state.bus
    return bus


async def get_actor(principal: CurrentUser) -> Actor:
    return Actor(principal.user_id, principal.role)


def actor_with_role(*roles: str) -> Callable[[Principal], Awaitable[Actor]]:
    """The caller, refused with 403 before anything is read unless their role is one of
    ``roles`` (the handlers check the object-level rules)."""
    gate = require_role(*roles)

    async def actor(principal: Annotated[Principal, Depends(gate)]) -> Actor:
        return Actor(principal.user_id, principal.role)

    return actor


BusDep = Annotated[MessageBus, Depends(get_bus)]
ActorDep = Annotated[Actor, Depends(get_actor)]
StaffActor = Annotated[Actor, Depends(actor_with_role(ADMIN, RECEPTIONIST))]
BookerActor = Annotated[Actor, Depends(actor_with_role(PATIENT, RECEPTIONIST, ADMIN))]
DoctorActor = Annotated[Actor, Depends(actor_with_role(DOCTOR))]
ScheduleActor = Annotated[Actor, Depends(actor_with_role(ADMIN, DOCTOR))]
AdminActor = Annotated[Actor, Depends(actor_with_role(ADMIN))]
