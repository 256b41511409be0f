"""Creating accounts: patients (self or at the desk), staff, and the first admin."""

from __future__ import annotations

from datetime import timedelta

import structlog

from hms_auth.domain.errors import AlreadyRegistered, TooManyAttempts, UserIdTaken
from hms_auth.domain.policy import AuthPolicy
from hms_auth.domain.users import Role, User, check_password, check_username, parse_role
from hms_auth.service_layer.commands import (
    CreateStaffUser,
    EnsureFirstAdmin,
    RegisterPatient,
    RegisterWalkInPatient,
    WalkInRegistration,
)
from hms_auth.service_layer.handlers.activation import new_code_for, record_code
from hms_auth.service_layer.handlers.guard import registration_counter, take
from hms_auth.service_layer.ports import (
    CodeSealer,
    ContactValidator,
    PasswordHasher,
    TokenSigner,
    UnitOfWork,
)
from hms_platform.clock import Clock

log = structlog.get_logger(__name__)
VOUCHER_TTL = timedelta(days=1)  # a walk-in's ticket is issued the same day


async def register_patient(cmd: RegisterPatient, uow: UnitOfWork, hasher: PasswordHasher,
                           contacts: ContactValidator, clock: Clock, policy: AuthPolicy) -> User:
    """Self-registration. Throttled per address, and a taken phone number or username is
    found before any hashing: the 409 stays (a patient must learn their number is taken) but
    costs an attacker the throttle's time, not our CPU."""
    phone = contacts.phone(cmd.phone_number)
    email = contacts.email(cmd.email) if cmd.email else None
    username = check_username(cmd.username) if cmd.username else phone
    check_password(cmd.password)
    async with uow:
        _, wait = await take(uow.throttle, [registration_counter(cmd.client_ip, policy)],
                             clock.now())
        if wait:
            raise TooManyAttempts(wait)
        taken = await uow.users.find_by_login(username.lower(), phone)
        await uow.commit()  # the attempt counts, taken or not
    if taken is not None:
        raise AlreadyRegistered("phone_number" if taken.phone_number == phone else "username")
    password_hash = await hasher.hash(cmd.password)  # no connection held meanwhile
    async with uow:
        user = User.register(username=username, role=Role.PATIENT, full_name=cmd.full_name,
                             now=clock.now(), email=email, phone_number=phone,
                             password_hash=password_hash)
        await _add(uow, user)  # a registration racing this one is still caught here
        await uow.commit()
    log.info("user.registered", user_id=str(user.id), role=user.role.value)
    return user


async def register_walk_in_patient(cmd: RegisterWalkInPatient, uow: UnitOfWork,
                                   hasher: PasswordHasher, contacts: ContactValidator,
                                   clock: Clock, policy: AuthPolicy, sealer: CodeSealer,
                                   signer: TokenSigner) -> WalkInRegistration:
    """A patient registered at the desk, without a password: the answer carries the one-time
    code they redeem to set one (see README, "Activation codes"), and a voucher that lets the
    queue give them a ticket at once (before this registration's event reaches it)."""
    phone = contacts.phone(cmd.phone_number)
    email = contacts.email(cmd.email) if cmd.email else None
    username = check_username(cmd.username) if cmd.username else phone
    now = clock.now()
    user = User.register(username=username, role=Role.PATIENT, full_name=cmd.full_name,
                         now=now, email=email, phone_number=phone, user_id=cmd.user_id)
    code, activation = await new_code_for(user.id, hasher, now, policy)
    async with uow:
        if cmd.user_id is not None and await uow.users.get(cmd.user_id) is not None:
            raise UserIdTaken()
        await _add(uow, user)
        await uow.activation_codes.put(activation)
        record_code(uow, sealer, user.id, code, activation.expires_at)
        key = await uow.signing_keys.current()
        await uow.commit()
    voucher = (signer.voucher(key, patient_id=user.id, full_name=user.full_name, now=now,
                              ttl=VOUCHER_TTL) if key is not None else None)
    log.info("user.registered", user_id=str(user.id), role=user.role.value, walk_in=True)
    return WalkInRegistration(user, code, activation.expires_at, voucher)


async def create_staff_user(cmd: CreateStaffUser, uow: UnitOfWork, hasher: PasswordHasher,
                            contacts: ContactValidator, clock: Clock) -> User:
    role = parse_role(cmd.role)
    username = check_username(cmd.username)
    phone = contacts.phone(cmd.phone_number) if cmd.phone_number else None
    email = contacts.email(cmd.email) if cmd.email else None
    password_hash = await hasher.hash(check_password(cmd.password))
    async with uow:
        user = User.register(username=username, role=role, full_name=cmd.full_name,
                             now=clock.now(), email=email, phone_number=phone,
                             department=cmd.department, room=cmd.room,
                             password_hash=password_hash)
        await _add(uow, user)
        await uow.commit()
    log.info("user.registered", user_id=str(user.id), role=user.role.value)
    return user


async def ensure_first_admin(cmd: EnsureFirstAdmin, uow: UnitOfWork, hasher: PasswordHasher,
                             clock: Clock) -> User | None:
    """Create the admin from HMS_ADMIN_USERNAME / HMS_ADMIN_PASSWORD when there is no admin.
    Replicas starting together queue on a lock and re-check, so exactly one creates it."""
    async with uow:
        if await uow.users.any_admin():
            return None
    password_hash = await hasher.hash(check_password(cmd.password))  # outside the lock
    async with uow:
        await uow.users.lock_admins()
        if await uow.users.any_admin():
            return None
        user = User.register(username=check_username(cmd.username), role=Role.ADMIN,
                             full_name="Administrator", now=clock.now(),
                             password_hash=password_hash)
        await _add(uow, user)
        await uow.commit()
    log.info("user.first_admin_created", user_id=str(user.id))
    return user


async def _add(uow: UnitOfWork, user: User) -> None:
    """Insert (the database's unique indexes decide races; the unit of work takes the user's
    events)."""
    try:
        await uow.users.add(user)
    except AlreadyRegistered as exc:
        if exc.field == "username" and user.username == user.phone_number:
            raise AlreadyRegistered("phone_number") from None  # the username is the phone
        raise
