"""Activation codes: issued at the desk, redeemed once by the patient to set a password."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime

import structlog

from hms_auth.domain.activation import (
    ActivationCode,
    display_code,
    new_activation_code,
    normalise_code,
)
from hms_auth.domain.errors import (
    AlreadyActivated,
    InvalidActivationCode,
    TooManyAttempts,
    UserNotFound,
)
from hms_auth.domain.events import ActivationCodeIssued
from hms_auth.domain.policy import AuthPolicy
from hms_auth.domain.throttle import Scope
from hms_auth.domain.users import Role, User, check_password
from hms_auth.service_layer.commands import ActivatePatient, IssueActivationCode, WalkInRegistration
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


async def new_code_for(user_id: uuid.UUID, hasher: PasswordHasher, now: datetime,
                       policy: AuthPolicy, *,
                       reset_by: uuid.UUID | None = None) -> tuple[str, ActivationCode]:
    # Hashed like a password: ~50 bits is too little to survive a stolen table unsalted.
    code = new_activation_code()
    activation = ActivationCode.issue(user_id, await hasher.hash(code), now,
                                      policy.activation_code_ttl, reset_by)
    return display_code(code), activation


def record_code(uow: UnitOfWork, sealer: CodeSealer, user_id: uuid.UUID, code: str,
                expires_at: datetime) -> None:
    """The code leaves only sealed, in an event notifications turns into an SMS."""
    sealed = sealer.seal(code, f"activation:{user_id}")
    uow.emit(ActivationCodeIssued(user_id, sealed, expires_at))


async def issue_activation_code(cmd: IssueActivationCode, uow: UnitOfWork,
                                hasher: PasswordHasher, clock: Clock,
                                policy: AuthPolicy, sealer: CodeSealer) -> WalkInRegistration:
    """A fresh code for a patient who has not activated yet (code lost or expired); it replaces
    the last. A patient who has ever had a password gets a password reset instead, which goes
    by SMS only, even while a reset has voided their password: this code is shown at the desk."""
    now = clock.now()
    code, activation = await new_code_for(cmd.user_id, hasher, now, policy)  # no connection
    async with uow:
        # Locked, like activation: a code issued while the patient activates must not land on
        # an account that has just got its password.
        user = await uow.users.get(cmd.user_id, for_update=True)
        if user is None or user.role is not Role.PATIENT:
            raise UserNotFound()
        if user.activated:
            raise AlreadyActivated()
        await uow.activation_codes.put(activation)
        record_code(uow, sealer, user.id, code, activation.expires_at)
        await uow.commit()
    return WalkInRegistration(user, code, activation.expires_at)


async def activate_patient(cmd: ActivatePatient, uow: UnitOfWork, hasher: PasswordHasher,
                           contacts: ContactValidator, clock: Clock, policy: AuthPolicy) -> None:
    """Redeem a code and set the password. Wrong, expired, used, unknown phone, inactive
    account: one answer. Throttled like sign-in, per phone number and address."""
    phone = contacts.phone(cmd.phone_number)

    async def patient(found: UnitOfWork) -> User | None:
        user = await found.users.get_by_phone(phone)
        return user if user is not None and user.role is Role.PATIENT else None

    user = await redeem_code(uow, hasher, clock, policy, find=patient, attempted=phone,
                             code=cmd.activation_code, password=cmd.password,
                             client_ip=cmd.client_ip)
    log.info("user.activated", user_id=str(user.id))


async def redeem_code(uow: UnitOfWork, hasher: PasswordHasher, clock: Clock,
                      policy: AuthPolicy, *, find: Callable[[UnitOfWork],
                                                            Awaitable[User | None]],
                      attempted: str, code: str, password: str, client_ip: str) -> User:
    """Set the first password of an account that has none (a walk-in, or after a reset) with
    its one-time code. Like sign-in, no connection is held while Argon2 runs."""
    check_password(password)
    async with uow:
        now = clock.now()
        user = await find(uow)
        guards = guess_counters(Scope.ACTIVATION, subject_key(user.id if user else None,
                                                              attempted), client_ip, policy)
        holds, wait = await take(uow.throttle, guards, now)
        if wait:
            raise TooManyAttempts(wait)
        # A code never replaces a working password, but for a reset the user asked for by
        # SMS (ActivationCode.may_set_password). Read without a lock: this transaction holds
        # the throttle rows, and the writing one below locks the code before them; locking
        # here too could deadlock the two.
        stored = (await uow.activation_codes.get(user.id)
                  if user is not None and user.active else None)
        if stored is not None and user is not None and not stored.may_set_password(
                user.has_password):
            stored = None
        await uow.commit()
    ok, _ = await verify(uow, hasher, holds, normalise_code(code),
                         stored.code_hash if stored else None)
    if user is None or stored is None or not ok or not stored.is_redeemable(clock.now()):
        raise InvalidActivationCode()  # what was taken from the counters stays: a failure
    new_hash = await hasher.hash(password)
    async with uow:
        now = clock.now()
        # Locked, then checked again: of two concurrent redemptions one finds the code used,
        # and a desk re-issuing a code meanwhile waits for this to commit.
        user = await uow.users.get(user.id, for_update=True)
        current = await uow.activation_codes.get_for_update(user.id) if user else None
        if (user is None or current is None or not user.active
                or not current.may_set_password(user.has_password)
                or current.code_hash != stored.code_hash):
            raise InvalidActivationCode()
        current.redeem(now)
        replaced = user.has_password  # a reset the user asked for: sessions end only now
        # Set with a staff-issued reset code: the account's sign-ins say so until the user
        # changes the password themselves.
        user.set_password(new_hash, now, reset_by=current.issued_by_staff)
        if replaced:
            await revoke_sessions(uow, user, now, "password_reset")
        await uow.activation_codes.save(current)
        await uow.users.save(user)
        await succeeded(uow.throttle, holds)
        await uow.commit()
    return user
