"""Reading and changing users: an admin on anyone, everyone on themselves."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hms_auth.domain.errors import (
    LastActiveAdmin,
    StaleAccessToken,
    TooManyAttempts,
    UserNotFound,
)
from hms_auth.domain.policy import AuthPolicy
from hms_auth.domain.users import ADMIN_EDITABLE, SELF_EDITABLE, Role, User, parse_role
from hms_auth.service_layer.commands import (
    ConfirmCaller,
    GetUser,
    ListUsers,
    SearchPatients,
    UpdatePatient,
    UpdateProfile,
    UpdateUser,
    UserPage,
)
from hms_auth.service_layer.handlers.guard import registration_counter, take
from hms_auth.service_layer.ports import ContactValidator, UnitOfWork
from hms_platform.clock import Clock
from hms_platform.last_write import Write, settle


async def get_user(cmd: GetUser, uow: UnitOfWork) -> User:
    async with uow:
        user = await uow.users.get(cmd.user_id)
    if user is None:
        raise UserNotFound()
    return user


async def confirm_caller(cmd: ConfirmCaller, uow: UnitOfWork) -> None:
    """Auth's own routes go further than a signature check: a deactivated user or one whose
    role changed is refused at once, without waiting for the access token to expire."""
    async with uow:
        user = await uow.users.get(cmd.user_id)
    if (user is None or not user.active or user.role.value != cmd.role
            or not user.accepts_token_issued(cmd.issued_at)):
        raise StaleAccessToken()


async def list_users(cmd: ListUsers, uow: UnitOfWork) -> UserPage:
    role = parse_role(cmd.role).value if cmd.role else None
    async with uow:
        items, total = await uow.users.search(role=role, active=cmd.active, query=cmd.query,
                                              limit=cmd.limit, offset=cmd.offset)
    return UserPage(items, total, cmd.limit, cmd.offset)


async def search_patients(cmd: SearchPatients, uow: UnitOfWork) -> UserPage:
    async with uow:
        items, total = await uow.users.search(role=Role.PATIENT.value, active=None,
                                              query=cmd.query, limit=cmd.limit,
                                              offset=cmd.offset)
    return UserPage(items, total, cmd.limit, cmd.offset)


async def update_profile(cmd: UpdateProfile, uow: UnitOfWork, contacts: ContactValidator,
                         clock: Clock, policy: AuthPolicy) -> User:
    changes = _normalised(_only(cmd.changes, SELF_EDITABLE), contacts)
    write = Write.of(cmd.client_updated_at, clock.now(), role=cmd.role,
                     max_age_days=policy.client_time_max_age_days)
    if {"phone_number", "email"} & changes.keys():
        # A taken number answers 409, like registration: throttled alike per address.
        async with uow:
            _, wait = await take(uow.throttle, [registration_counter(cmd.client_ip, policy)],
                                 clock.now())
            await uow.commit()
        if wait:
            raise TooManyAttempts(wait)
    return await _update(uow, cmd.user_id, changes, clock, by=cmd.user_id, write=write)


async def update_patient(cmd: UpdatePatient, uow: UnitOfWork, contacts: ContactValidator,
                         clock: Clock, policy: AuthPolicy) -> User:
    """The desk edits a patient's profile; anyone else's record is not found."""
    changes = _normalised(_only(cmd.changes, SELF_EDITABLE), contacts)
    write = Write.of(cmd.client_updated_at, clock.now(), role=cmd.role,
                     max_age_days=policy.client_time_max_age_days)
    return await _update(uow, cmd.user_id, changes, clock, by=cmd.actor_id, write=write,
                         role=Role.PATIENT)


async def update_user(cmd: UpdateUser, uow: UnitOfWork, contacts: ContactValidator,
                      clock: Clock) -> User:
    changes = _normalised(_only(cmd.changes, ADMIN_EDITABLE), contacts)
    return await _update(uow, cmd.user_id, changes, clock, by=cmd.actor_id)


async def _update(uow: UnitOfWork, user_id: Any, changes: Mapping[str, Any],
                  clock: Clock, *, by: Any, write: Write | None = None,
                  role: Role | None = None) -> User:
    """``write``: the profile's per-field last-write-wins (offline writes: only the fields
    that win apply); ``role``: the only role whose users this change may touch."""
    async with uow:
        now = clock.now()
        user = await uow.users.get(user_id, for_update=True)
        if user is None or (role is not None and user.role is not role):
            raise UserNotFound()
        if write is not None:
            winners = {name: value for name, value in changes.items()
                       if write.may_write(user.field_times, name)}
            settle(user, write, winners, applied=bool(winners) or not changes)
            if changes and not winners:  # every field lost to a later or a staff write
                return user
            changes = winners
        if _demotes_admin(user, changes):
            # Queued on a lock so that two admins demoting each other cannot leave none.
            await uow.users.lock_admins()
            if await uow.users.count_active_admins() <= 1:
                raise LastActiveAdmin()
        changed = user.update(changes, now, by)
        if not changed and (write is None or not write.offline):
            return user
        await uow.users.save(user)
        if not user.active and "active" in changed:
            await uow.refresh_tokens.revoke_all(user.id, now, "deactivated")
        await uow.commit()
    return user


def _demotes_admin(user: User, changes: Mapping[str, Any]) -> bool:
    if not user.is_active_admin:
        return False
    return changes.get("active", True) is False or changes.get("role", Role.ADMIN) != Role.ADMIN


def _only(changes: Mapping[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    return {name: value for name, value in changes.items() if name in allowed}


def _normalised(changes: dict[str, Any], contacts: ContactValidator) -> dict[str, Any]:
    if changes.get("phone_number") is not None:
        changes["phone_number"] = contacts.phone(changes["phone_number"])
    if changes.get("email") is not None:
        changes["email"] = contacts.email(changes["email"])
    return changes
