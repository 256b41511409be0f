"""FastAPI dependencies: who is calling (`CurrentUser`) and may they (`require_role`)."""

from collections.abc import Awaitable, Callable
from typing import Annotated

import structlog
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from hms_platform.auth.jwks import invalid_token
from hms_platform.auth.verifier import ROLES, Principal, TokenVerifier
from hms_platform.errors import Forbidden, Unauthorized
from hms_platform.revocation import RevocationList, SigningKeyList

log = structlog.get_logger(__name__)

# auto_error=False: a missing token must become our problem+json 401, not FastAPI's own body;
# the scheme is still declared so the OpenAPI documents bearer auth.
bearer_scheme = HTTPBearer(auto_error=False, bearerFormat="JWT")


def _missing_token() -> Unauthorized:
    # RFC 6750 section 3.1: a request without credentials gets a bare challenge, no error code.
    return Unauthorized(
        "A bearer access token is required.", headers={"WWW-Authenticate": "Bearer"}
    )


async def get_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)] = None,
) -> Principal:
    """Verify the request's bearer token with `app.state.token_verifier` and return the caller.

    `app.state.signing_keys` (when set) refuses keys auth's rotations dropped, and
    `app.state.revocations` (when set) tokens issued before their user's sessions were revoked.
    The principal is also kept on `request.state.principal` and its id bound into the log context.
    """
    if credentials is None or not credentials.credentials:
        raise _missing_token()
    verifier: TokenVerifier = request.app.state.token_verifier
    signing_keys: SigningKeyList | None = getattr(request.app.state, "signing_keys", None)
    keys = await signing_keys.current() if signing_keys is not None else None
    principal = await verifier.verify(credentials.credentials, keys)
    revocations: RevocationList | None = getattr(request.app.state, "revocations", None)
    if revocations is not None and await revocations.refuses(principal):
        log.info("token_rejected", reason="revoked")
        raise invalid_token()
    request.state.principal = principal
    structlog.contextvars.bind_contextvars(user_id=str(principal.user_id))
    return principal


CurrentUser = Annotated[Principal, Depends(get_principal)]


def require_role(*roles: str) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that returns the caller when their role is one of `roles`, else 403.

    Use it as `Annotated[Principal, Depends(require_role("admin"))]` or in `dependencies=[...]`.
    """
    unknown = set(roles) - ROLES
    if not roles or unknown:
        raise ValueError(f"require_role needs known roles, got {sorted(unknown) or 'none'}")
    allowed = frozenset(roles)
    detail = f"This action requires one of the roles: {', '.join(roles)}."

    async def check_role(principal: CurrentUser) -> Principal:
        if principal.role not in allowed:
            raise Forbidden(detail)
        return principal

    return check_role
