"""FastAPI dependencies every service's routes share: the bus, the client's address, the
caller. All ``async def``: FastAPI runs a plain
``def`` dependency in a worker thread, a hand-off per request that costs more than the work."""

from typing import Annotated, Any

from fastapi import Depends, Request

from hms_platform.auth import CurrentUser, require_role
from hms_platform.errors import Forbidden
from hms_platform.messagebus import Command, MessageBus
from hms_platform.roles import Actor


async def get_bus(request: Request) -> MessageBus:
    """The service's message bus, which ``create_app`` keeps on ``app.state.bus``."""
    bus: MessageBus = request.app.state.bus
    return bus


Bus = Annotated[MessageBus, Depends(get_bus)]


async def get_client_ip(request: Request) -> str:
    """The client's address, as the platform judged it (trusted proxies' X-Forwarded-For)."""
    return request.client.host[:100] if request.client else "unknown"


ClientIp = Annotated[str, Depends(get_client_ip)]


def caller(command: type[Command[Any]]) -> Any:
    """``Annotated[Actor, caller(c.SomeCommand)]``: the verified caller as a domain ``Actor``,
    refused with 403 unless their role is one the command declares (before anything is read;
    handlers check object-level rules). The role is checked here rather than through a
    ``require_role`` dependency: each level of dependencies costs FastAPI a resolution per
    request, on every route."""
    allowed = frozenset(command.roles)
    require_role(*sorted(allowed))  # the same refusal of unknown or missing roles, at import
    detail = f"This action requires one of the roles: {', '.join(sorted(allowed))}."

    async def actor(principal: CurrentUser) -> Actor:
        if principal.role not in allowed:
            raise Forbidden(detail)
        return Actor(principal.user_id, principal.role)

    return Depends(actor)
