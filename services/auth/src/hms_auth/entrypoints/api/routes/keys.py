"""The public signing keys, for every service that verifies access tokens."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from hms_auth.entrypoints.api.deps import Bus
from hms_auth.entrypoints.api.schemas import Jwks
from hms_auth.service_layer.commands import GetJwks

router = APIRouter(tags=["keys"])


@router.get("/.well-known/jwks.json", response_model=Jwks)
async def jwks(bus: Bus) -> JSONResponse:
    """Current and previous public keys (RFC 7517). Verifiers cache them and re-fetch on an
    unknown kid, so a rotated key is picked up without waiting for max-age."""
    return JSONResponse(await bus.handle(GetJwks()),
                        headers={"Cache-Control": "public, max-age=300"})
