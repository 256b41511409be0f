"""Passwords after sign-up: a user's own change, a reset by staff, redeeming a reset code."""

from __future__ import annotations

import structlog

from hms_auth.domain.errors import (
    CurrentPasswordIncorrect,
    NoPhoneForCode,
    ResetNotAllowed,
    StaleAccessToken,
    TooManyAttempts,
    UserNotFound,
)
from hms_auth.domain.events import PasswordResetIssued
from hms_auth.domain.policy import AuthPolicy
from hms_auth.domain.throttle import Scope
from hms_auth.domain.users import EMPLOYEES, Role, User, check_password, mask_phone
from hms_auth.service_layer.commands import (
    ChangePassword,
    IssuePasswordReset,
    ResetCode,
    ResetPassword,
)
from hms_auth.service_layer.handlers.activation import new_code_for, redeem_code
from hms_auth.service_layer.handlers.guard import (
    guess_counters,
    subject_key,
    succeeded,
    take,
    verify,
)
from hms_auth.service_layer.handlers.sessions import revoke_sessions
from hms_auth.service_layer.ports import CodeSealer, ContactValidator, PasswordHasher, UnitOfWork
from hms_platform.clock import Clock

log = structlog.get_logger(__name__)


async def change_password(cmd: ChangePassword, uow: UnitOfWork, hasher: PasswordHasher,
                          clock: Clock, policy: AuthPolicy) -> None:
    """The current password proves it is the owner, not someone holding their token; wrong
    guesses are throttled like sign-in. Every session ends, this one included."""
    check_password(cmd.new_password)
    async with uow:
        user = await uow.users.get(cmd.user_id)
        if user is None or not user.active:
            raise StaleAccessToken()
        guards = guess_counters(Scope.ACCOUNT_ADDRESS, subject_key(user.id, ""), cmd.client_ip,
                                policy)
        holds, wait = await take(uow.throttle, guards, clock.now())
        if wait:
            raise TooManyAttempts(wait)
        await uow.commit()
    ok, _ = await verify(uow, hasher, holds, cmd.current_password, user.password_hash)
    if not ok:
        raise CurrentPasswordIncorrect()
    new_hash = await hasher.hash(cmd.new_password)
    async with uow:
        now = clock.now()
        current = await uow.users.get(user.id, for_update=True)
        if current is None or current.password_hash != user.password_hash:
            raise CurrentPasswordIncorrect()  # changed meanwhile: what was verified is stale
        current.set_password(new_hash, now)
        await _end_sessions(uow, current, "password_changed")
        await succeeded(uow.throttle, holds)
        await uow.commit()
    log.info("user.password_changed", user_id=str(user.id))


async def issue_password_reset(cmd: IssuePasswordReset, uow: UnitOfWork,
                               hasher: PasswordHasher, clock: Clock, policy: AuthPolicy,
                               sealer: CodeSealer) -> ResetCode:
    """The user's password stops working at once and every session ends; the one-time code
    that sets a new one goes to the user's phone by SMS (sealed in the event), never to the
    staff member, who could otherwise sign in as the user. The one exception is a walk-in who
    has never set a password: the desk may hand them the code, as it does an activation code.
    Who issued it is kept, on the code too: the sign-ins it leads to are audited as such."""
    now = clock.now()
    code, stored = await new_code_for(cmd.user_id, hasher, now, policy,  # no connection
                                      reset_by=cmd.actor_id)
    async with uow:
        user = await uow.users.get(cmd.user_id, for_update=True)
        if user is None:
            raise UserNotFound()
        if user.role in EMPLOYEES and cmd.actor_role != Role.ADMIN.value:
            raise ResetNotAllowed()
        if user.phone_number is None:
            raise NoPhoneForCode()
        sent_to = mask_phone(user.phone_number)
        shown = code if user.role is Role.PATIENT and not user.activated else None
        user.void_password(now)
        await _end_sessions(uow, user, "password_reset")
        await uow.activation_codes.put(stored)
        sealed = sealer.seal(code, f"password_reset:{user.id}")
        uow.emit(PasswordResetIssued(user.id, cmd.actor_id, sealed, stored.expires_at,
                                     shown_to_issuer=shown is not None))
        await uow.commit()
    log.info("user.password_reset_issued", user_id=str(user.id), issued_by=str(cmd.actor_id),
             shown_to_staff=shown is not None)
    return ResetCode(user, shown, stored.expires_at, sent_to)


async def reset_password(cmd: ResetPassword, uow: UnitOfWork, hasher: PasswordHasher,
                         contacts: ContactValidator, clock: Clock, policy: AuthPolicy) -> None:
    """Redeem a reset code with a username or phone number; any mismatch is one 401."""
    login = cmd.login.strip()
    phone = contacts.maybe_phone(login)

    async def by_login(found: UnitOfWork) -> User | None:
        return await found.users.find_by_login(login.lower(), phone)

    user = await redeem_code(uow, hasher, clock, policy, find=by_login,
                             attempted=phone or login.lower(), code=cmd.code,
                             password=cmd.new_password, client_ip=cmd.client_ip)
    log.info("user.password_reset", user_id=str(user.id))


async def _end_sessions(uow: UnitOfWork, user: User, reason: str) -> None:
    await revoke_sessions(uow, user, user.updated_at, reason)
    await uow.users.save(user)
