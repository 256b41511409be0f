"""FastAPI dependencies as `Annotated` aliases: the bus, the caller, their address."""

# No `from __future__ import annotations`: FastAPI must evaluate the closure-local
# `Depends(check_role)` below, which a string annotation would hide from it.
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request

from hms_auth.service_layer.commands import ConfirmCaller
from hms_auth.service_layer.messagebus import MessageBus
from hms_platform.auth import Principal, require_role


def get_bus(request: Request) -> MessageBus:
    bus: MessageBus = request.app.state.bus
    return bus


Bus = Annotated[MessageBus, Depends(get_bus)]


def get_client_ip(request: Request) -> str:
    """The platform has already judged X-Forwarded-For (AUTH_TRUSTED_PROXIES) into the
    request's client address."""
    return request.client.host[:100] if request.client else "unknown"


ClientIp = Annotated[str, Depends(get_client_ip)]


def signed_in(*roles: str) -> Callable[..., Awaitable[Principal]]:
    """The platform's token and role check, then auth's own: the user must still exist, be
    active and hold that role (auth has the database at hand; other services wait for expiry)."""
    check_role = require_role(*roles)

    async def confirmed(principal: Annotated[Principal, Depends(check_role)],
                        bus: Bus) -> Principal:
        await bus.handle(ConfirmCaller(principal.user_id, principal.role, principal.issued_at))
        return principal

    return confirmed


AnyUser = Annotated[Principal, Depends(signed_in("admin", "receptionist", "doctor", "patient"))]
Desk = Annotated[Principal, Depends(signed_in("admin", "receptionist"))]
Admin = Annotated[Principal, Depends(signed_in("admin"))]
