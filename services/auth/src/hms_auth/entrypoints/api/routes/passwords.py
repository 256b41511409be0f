"""Passwords: a user's own change, a reset by staff or asked for by SMS, redeeming the code."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Response, status

from hms_auth.entrypoints.api.deps import Bus, ClientIp, caller
from hms_auth.entrypoints.api.schemas import (
    PasswordChange,
    PasswordResetPublic,
    PasswordResetRedeem,
    PasswordResetRequest,
    PasswordResetRequested,
)
from hms_auth.service_layer import commands as c
from hms_platform.auth import Principal
from hms_platform.web import problems

router = APIRouter(tags=["passwords"])


@router.post("/me/password", status_code=status.HTTP_204_NO_CONTENT,
             responses=problems(401, 403, 422, 429, 503))
async def change_password(body: PasswordChange,
                          user: Annotated[Principal, caller(c.ChangePassword)], bus: Bus,
                          client_ip: ClientIp) -> None:
    """Change your password with the current one (403 when it is wrong). Every session ends,
    this one included: sign in again with the new password."""
    await bus.handle(c.ChangePassword(user.user_id, body.current_password, body.new_password,
                                      client_ip))


@router.post("/users/{user_id}/password-reset", status_code=status.HTTP_201_CREATED,
             responses=problems(401, 403, 404, 409, 422))
async def issue_password_reset(user_id: uuid.UUID,
                               actor: Annotated[Principal, caller(c.IssuePasswordReset)],
                               bus: Bus,
                               response: Response) -> PasswordResetPublic:
    """Void a user's password and end their sessions; a one-time code that sets a new one at
    `POST /api/auth/password-reset` goes to the user's phone by SMS (`sent_to`, masked). The
    code is never in the answer, except for a walk-in who has never set a password (`code`,
    shown once, to hand over). 409 for an account without a phone number. Staff accounts:
    admin only; patients: the desk too."""
    reset = await bus.handle(c.IssuePasswordReset(actor.user_id, actor.role, user_id))
    response.headers["Cache-Control"] = "no-store"
    return PasswordResetPublic(user_id=reset.user.id, sent_to=reset.sent_to,
                               message=f"sent by SMS to {reset.sent_to}", code=reset.code,
                               expires_at=reset.expires_at)


@router.post("/password-reset", status_code=status.HTTP_204_NO_CONTENT,
             responses=problems(401, 422, 429, 503))
async def reset_password(body: PasswordResetRedeem, bus: Bus, client_ip: ClientIp) -> None:
    """Set a new password with a reset code and a username or phone number. Any mismatch is
    one 401; guesses are throttled like sign-in."""
    await bus.handle(c.ResetPassword(body.login, body.code, body.new_password, client_ip))


@router.post("/password-reset/request", status_code=status.HTTP_202_ACCEPTED,
             responses=problems(422, 429, 503))
async def request_password_reset(body: PasswordResetRequest, bus: Bus,
                                 client_ip: ClientIp) -> PasswordResetRequested:
    """Forgot your password: a one-time code that sets a new one at `POST
    /api/auth/password-reset` goes by SMS to this number if an active patient's account uses
    it (staff: ask an admin). Your password keeps working until the code is used. Always the
    same 202, whether or not a code was sent: at most a few codes per number per hour. 429:
    too many requests from this address."""
    await bus.handle(c.RequestPasswordReset(body.phone_number, client_ip))
    return PasswordResetRequested()
