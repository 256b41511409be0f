"""A patient who forgot their password asks for a reset code by SMS, from the app.

Whoever asks knows only a phone number, so the request changes nothing a patient relies on:
the password keeps working until the code is redeemed (`POST /api/auth/password-reset`, which
then sets the new one and ends every session). The answer is the same whatever happens, so it
never tells whether a number has an account; the code goes only to an active patient's phone
(staff reset through an admin). Requests are counted per phone number (more than the limit are
answered alike and send nothing) and per client address (then 429: that says nothing about any
number, and tells someone behind a busy address to wait rather than wait for an SMS).
"""

from __future__ import annotations

import uuid

import structlog

from hms_auth.domain.errors import ServiceBusy, TooManyResetRequests
from hms_auth.domain.events import PasswordResetIssued
from hms_auth.domain.policy import AuthPolicy
from hms_auth.domain.users import Role, User, mask_phone
from hms_auth.service_layer.commands import RequestPasswordReset
from hms_auth.service_layer.handlers.activation import new_code_for
from hms_auth.service_layer.handlers.guard import give_back, reset_request_counters, take
from hms_auth.service_layer.ports import CodeSealer, ContactValidator, PasswordHasher, UnitOfWork
from hms_platform.clock import Clock

log = structlog.get_logger(__name__)


def _eligible(user: User | None, phone: str) -> bool:
    return (user is not None and user.role is Role.PATIENT and user.active
            and user.phone_number == phone)


async def request_password_reset(cmd: RequestPasswordReset, uow: UnitOfWork,
                                 hasher: PasswordHasher, contacts: ContactValidator,
                                 clock: Clock, policy: AuthPolicy, sealer: CodeSealer) -> None:
    phone = contacts.phone(cmd.phone_number)  # a malformed number: 422, nothing counted
    masked = mask_phone(phone)
    by_address, by_phone = reset_request_counters(phone, cmd.client_ip, policy)
    async with uow:
        now = clock.now()
        _, wait = await take(uow.throttle, [by_address], now)
        if wait:
            raise TooManyResetRequests(wait)
        # Counted for every number, with an account or not: the limit behaves alike for both.
        holds, over = await take(uow.throttle, [by_phone], now)
        user = await uow.users.get_by_phone(phone)
        await uow.commit()
    if over:
        log.warning("user.password_reset_request_throttled", phone=masked)
        return
    # Hashed whether or not a code will be sent: the answer takes about as long either way.
    try:
        code, stored = await new_code_for(user.id if user else uuid.uuid4(), hasher, now,
                                          policy, reset_by=user.id if user else None)
    except ServiceBusy:
        async with uow:  # never sent: the number keeps its request
            await give_back(uow.throttle, holds)
            await uow.commit()
        raise
    if user is None or not _eligible(user, phone):
        log.info("user.password_reset_request_ignored", phone=masked,
                 reason="no account" if user is None else "not an active patient")
        return
    async with uow:
        current = await uow.users.get(user.id, for_update=True)
        if current is None or not _eligible(current, phone):
            log.info("user.password_reset_request_ignored", phone=masked, reason="changed")
            return
        # Replaces any earlier code (a staff reset's too: it goes to the same phone).
        await uow.activation_codes.put(stored)
        sealed = sealer.seal(code, f"password_reset:{current.id}")
        uow.emit(PasswordResetIssued(current.id, current.id, sealed, stored.expires_at))
        await uow.commit()
    log.info("user.password_reset_requested", user_id=str(current.id), sent_to=masked)
