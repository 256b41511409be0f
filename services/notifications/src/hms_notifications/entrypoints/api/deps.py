"""FastAPI dependencies: the message bus, and the caller, refused with 403 unless their role is
one the command declares (handlers then only ever see their own records)."""

# No `from __future__ import annotations` here: FastAPI must see the closure's real
# annotation (it refers to a local), not a string it would fail to resolve.

from typing import Any

from fastapi import Depends

from hms_platform.auth import require_role
from hms_platform.messagebus import Command
from hms_platform.web.deps import Bus

__all__ = ["Bus", "caller"]


def caller(command: type[Command[Any]]) -> Any:
    """``Annotated[Principal, caller(c.SomeCommand)]``."""
    return Depends(require_role(*sorted(command.roles)))
