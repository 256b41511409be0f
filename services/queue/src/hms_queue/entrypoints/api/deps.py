"""FastAPI dependencies: the message bus, and the caller as a domain ``Actor`` with the roles
their command declares (403 before anything is read; handlers check object-level rules)."""

# No `from __future__ import annotations` here: FastAPI must see the closure's real
# annotation (it refers to a local), not a string it would fail to resolve.

from typing import Annotated, Any

from fastapi import Depends

from hms_platform.auth import Principal, require_role
from hms_platform.messagebus import Command
from hms_platform.web.deps import Bus
from hms_queue.domain.actor import Actor

__all__ = ["Bus", "caller"]


def caller(command: type[Command[Any]]) -> Any:
    """``Annotated[Actor, caller(c.SomeCommand)]``: the verified caller, refused with 403 unless
    their role is one the command declares."""
    check_role = require_role(*sorted(command.roles))

    async def actor(principal: Annotated[Principal, Depends(check_role)]) -> Actor:
        return Actor(principal.user_id, principal.role)

    return Depends(actor)
