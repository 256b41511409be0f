"""Bearer-token authentication shared by every service: JWKS cache, verifier, dependencies."""

from hms_platform.auth.deps import CurrentUser, bearer_scheme, get_principal, require_role
from hms_platform.auth.jwks import (
    HttpJwksSource,
    JwksCache,
    JwksSource,
    StaticJwksSource,
    invalid_token,
    parse_jwks,
)
from hms_platform.auth.verifier import ROLES, Principal, TokenVerifier

__all__ = [
    "ROLES",
    "CurrentUser",
    "HttpJwksSource",
    "JwksCache",
    "JwksSource",
    "Principal",
    "StaticJwksSource",
    "TokenVerifier",
    "bearer_scheme",
    "get_principal",
    "invalid_token",
    "parse_jwks",
    "require_role",
]
