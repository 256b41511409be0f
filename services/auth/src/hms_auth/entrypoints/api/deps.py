"""FastAPI dependencies: the bus, the caller (with the roles their command declares), and
the client's address."""

# No `from __future__ import annotations`: FastAPI must evaluate the closure-local
# `Depends(check_role)` below, which a string annotation would hide from it.
from typing import Annotated, Any

from fastapi import Depends

from hms_auth.service_layer.commands import ConfirmCaller
from hms_platform.auth import Principal, require_role
from hms_platform.messagebus import Command
from hms_platform.web.deps import Bus, ClientIp

__all__ = ["Bus", "ClientIp", "caller"]


def caller(command: type[Command[Any]]) -> Any:
    """``Annotated[Principal, caller(c.SomeCommand)]``: the platform's token check, the roles the
    command declares (403 otherwise), then auth's own check: the user must still exist, be
    active, hold that role, and the token must postdate their last revocation."""
    check_role = require_role(*sorted(command.roles))

    async def confirmed(principal: Annotated[Principal, Depends(check_role)],
                        bus: Bus) -> Principal:
        await bus.handle(ConfirmCaller(principal.user_id, principal.role, principal.issued_at))
        return principal

    return Depends(confirmed)
