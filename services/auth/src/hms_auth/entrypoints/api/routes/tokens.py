"""Tokens: the OAuth2 password grant, refresh, logout."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Response, status

from hms_auth.entrypoints.api.deps import Bus, ClientIp, caller
from hms_auth.entrypoints.api.schemas import LogoutRequest, PasswordGrant, RefreshRequest, TokenPair
from hms_auth.service_layer import commands as c
from hms_platform.auth import Principal
from hms_platform.web import problems

router = APIRouter(tags=["tokens"])
# RFC 6749 section 5.1: token responses must not be cached.
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _pair(pair: c.TokenPair, response: Response) -> TokenPair:
    response.headers.update(_NO_STORE)
    return TokenPair(access_token=pair.access_token, refresh_token=pair.refresh_token,
                     expires_in=pair.expires_in)


@router.post("/token", responses=problems(400, 401, 422, 429, 503))
async def issue_token(form: Annotated[PasswordGrant, Form()], bus: Bus, client_ip: ClientIp,
                      response: Response) -> TokenPair:
    """Sign in with a username or phone number (any common format) and a password."""
    pair = await bus.handle(c.SignIn(form.username, form.password, client_ip))
    return _pair(pair, response)


@router.post("/token/refresh", responses=problems(401, 422))
async def refresh_token(body: RefreshRequest, bus: Bus, response: Response) -> TokenPair:
    """A new pair for a refresh token, which is spent by it. A spent token presented again
    revokes every token of its sign-in."""
    return _pair(await bus.handle(c.RefreshSession(body.refresh_token)), response)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, responses=problems(401, 422))
async def logout(user: Annotated[Principal, caller(c.SignOut)], bus: Bus,
                 body: LogoutRequest | None = None) -> None:
    """End the session of the given refresh token, or every session of the caller."""
    await bus.handle(c.SignOut(user.user_id, body.refresh_token if body else None))
