"""FastAPI dependencies every service's routes share. All ``async def``: FastAPI runs a plain
``def`` dependency in a worker thread, a hand-off per request that costs more than the work."""

from typing import Annotated

from fastapi import Depends, Request

from hms_platform.messagebus import MessageBus


async def get_bus(request: Request) -> MessageBus:
    """The service's message bus, which ``create_app`` keeps on ``app.state.bus``."""
    bus: MessageBus = request.app.state.bus
    return bus


Bus = Annotated[MessageBus, Depends(get_bus)]


async def get_client_ip(request: Request) -> str:
    """The client's address, as the platform judged it (trusted proxies' X-Forwarded-For)."""
    return request.client.host[:100] if request.client else "unknown"


ClientIp = Annotated[str, Depends(get_client_ip)]
