"""Activation codes: issued at the desk, redeemed once by the patient to set a password."""

from __future__ import annotations

import uuid
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
from hms_auth.domain.policy import AuthPolicy
from hms_auth.domain.throttle import Scope
from hms_auth.domain.users import Role, check_password
from hms_auth.service_layer.commands import ActivatePatient, IssueActivationCode, WalkInRegistration
from hms_auth.service_layer.handlers.guard import count_failure, counters, retry_after, subject_key
from hms_auth.service_layer.ports import ContactValidator, PasswordHasher
from hms_auth.service_layer.unit_of_work import AuthUnitOfWork
from hms_platform.clock import Clock

log = structlog.get_logger(__name__)


async def new_code_for(user_id: uuid.UUID, hasher: PasswordHasher, now: datetime,
                       policy: AuthPolicy) -> tuple[str, ActivationCode]:
    # Hashed like a password: ~50 bits is too little to survive a stolen table unsalted.
    code = new_activation_code()
    activation = ActivationCode.issue(user_id, await hasher.hash(code), now,
                                      policy.activation_code_ttl)
    return display_code(code), activation


async def issue_activation_code(cmd: IssueActivationCode, uow: AuthUnitOfWork,
                                hasher: PasswordHasher, clock: Clock,
                                policy: AuthPolicy) -> WalkInRegistration:
    """A fresh code for a patient who has not activated yet (code lost or expired); it replaces
    the last. Not a password reset: that would let desk staff take over a patient's account."""
    now = clock.now()
    async with uow:
        # Locked, like activation: a code issued while the patient activates must not land on
        # an account that has just got its password.
        user = await uow.users.get(cmd.user_id, for_update=True)
        if user is None or user.role is not Role.PATIENT:
            raise UserNotFound()
        if user.activated:
            raise AlreadyActivated()
        code, activation = await new_code_for(user.id, hasher, now, policy)
        await uow.activation_codes.put(activation)
        await uow.commit()
    return WalkInRegistration(user, code, activation.expires_at)


async def activate_patient(cmd: ActivatePatient, uow: AuthUnitOfWork, hasher: PasswordHasher,
                           contacts: ContactValidator, clock: Clock, policy: AuthPolicy) -> None:
    """Redeem a code and set the password. Wrong, expired, used, unknown phone, inactive
    account: one answer. Throttled like sign-in, per phone number and per address."""
    phone = contacts.phone(cmd.phone_number)
    check_password(cmd.password)
    async with uow:
        now = clock.now()
        user = await uow.users.get_by_phone(phone)
        if user is not None:  # serialised with a desk re-issuing a code for this patient
            user = await uow.users.get(user.id, for_update=True)
        guards = counters(Scope.ACTIVATION, subject_key(user.id if user else None, phone),
                          cmd.client_ip, policy)
        if wait := await retry_after(uow.throttle, guards, now, policy):
            raise TooManyAttempts(wait)
        activation = None
        # A code never resets a password: once activated, every code is void.
        if (user is not None and user.active and user.role is Role.PATIENT
                and not user.activated):
            # Locked: of two concurrent redemptions of one code, the second finds it used.
            activation = await uow.activation_codes.get_for_update(user.id)
        ok, _ = await hasher.verify(normalise_code(cmd.activation_code),
                                    activation.code_hash if activation else None)
        if user is None or activation is None or not ok or not activation.is_redeemable(now):
            await count_failure(uow.throttle, guards, now, policy)
            await uow.commit()
            raise InvalidActivationCode()
        activation.redeem(now)
        user.set_password(await hasher.hash(cmd.password), now)
        await uow.activation_codes.save(activation)
        await uow.users.save(user)
        await uow.throttle.reset(guards[0].scope, guards[0].key)
        await uow.commit()
    log.info("user.activated", user_id=str(user.id))
