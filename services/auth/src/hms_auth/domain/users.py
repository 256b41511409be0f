"""Users and their roles: the rules that hold whoever changes a user."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from hms_auth.domain import errors
from hms_auth.domain.events import (
    Event,
    SessionsRevoked,
    UserDeactivated,
    UserRegistered,
    UserUpdated,
)


class Role(StrEnum):
    ADMIN = "admin"
    RECEPTIONIST = "receptionist"
    DOCTOR = "doctor"
    PATIENT = "patient"


# Employees: accounts an admin creates (hms_platform.roles.EMPLOYEES); patients register
# themselves or at the desk.
EMPLOYEES = frozenset({Role.ADMIN, Role.RECEPTIONIST, Role.DOCTOR})
# What an admin may change on any user, and what anyone may change on themselves.
ADMIN_EDITABLE = ("role", "active", "full_name", "email", "phone_number", "department", "room")
SELF_EDITABLE = ("full_name", "email", "phone_number")

# A letter first, so that a chosen username can never look like a phone number: sign-in
# accepts either, and must not find two different people.
_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9._@-]{2,63}")
MIN_PASSWORD, MAX_PASSWORD = 8, 1024


def check_username(username: str) -> str:
    if not _USERNAME.fullmatch(username):
        raise errors.InvalidUsername()
    return username


def check_password(password: str) -> str:
    # Length in characters; never truncated (bcrypt's 72-byte limit is why Argon2id is used).
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise errors.InvalidPassword()
    return password


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise errors.InvalidRole() from None


@dataclass
class User:
    id: uuid.UUID
    username: str
    role: Role
    full_name: str
    created_at: datetime
    updated_at: datetime
    email: str | None = None
    phone_number: str | None = None
    department: str | None = None
    room: str | None = None
    password_hash: str | None = field(default=None, repr=False)
    active: bool = True
    # When the account first had a password. A reset voids the password, not this: only a
    # walk-in registered at the desk who has never redeemed a code has none.
    activated_at: datetime | None = None
    # The staff member whose reset code set the current password; None once the user sets
    # their own. Every sign-in with such a password is audited as one after a staff reset.
    password_reset_by: uuid.UUID | None = None
    # Access tokens issued before this instant are refused (logout, password change or
    # reset, deactivation, role change), here and, through SessionsRevoked, everywhere.
    tokens_valid_after: datetime | None = None
    # Per profile field: when last written and whether by staff, for offline writes'
    # last-write-wins (hms_platform.last_write).
    field_times: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    events: list[Event] = field(default_factory=list, repr=False, compare=False)
    # The last command's HMS-Write-Outcome (applied / superseded), for offline writes only.
    write_outcome: str | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def register(cls, *, username: str, role: Role, full_name: str, now: datetime,
                 email: str | None = None, phone_number: str | None = None,
                 department: str | None = None, room: str | None = None,
                 password_hash: str | None = None, user_id: uuid.UUID | None = None) -> User:
        user = cls(id=user_id or uuid.uuid4(), username=username, role=role, full_name=full_name,
                   created_at=now, updated_at=now, email=email, phone_number=phone_number,
                   department=department, room=room, password_hash=password_hash,
                   activated_at=now if password_hash is not None else None)
        user.check()
        user.events.append(UserRegistered(
            user.id, user.role.value, user.full_name, user.phone_number, user.email,
            user.department, user.room))
        return user

    @property
    def activated(self) -> bool:
        """Has the account ever had a password? A walk-in patient has none until they redeem
        their activation code; a reset voids the password but the account stays activated."""
        return self.activated_at is not None or self.password_hash is not None

    @property
    def has_password(self) -> bool:
        """False for a walk-in not yet activated and after a reset, until a code sets one."""
        return self.password_hash is not None

    @property
    def is_active_admin(self) -> bool:
        return self.active and self.role is Role.ADMIN

    def check(self) -> None:
        if self.role is Role.DOCTOR and not (self.department and self.room):
            raise errors.DoctorDetailsMissing()
        if self.role is Role.PATIENT and not self.phone_number:
            raise errors.PhoneNumberRequired()

    def update(self, changes: Mapping[str, object], now: datetime,
               by: uuid.UUID | None = None) -> list[str]:
        """Apply `changes` (field -> new value) if the result keeps every rule; return what
        changed and record the events. Nothing changes when a rule would break."""
        if "role" in changes:
            changes = {**changes, "role": parse_role(str(changes["role"]))}
        changed = [name for name, value in changes.items() if getattr(self, name) != value]
        if not changed:
            return []
        updates: dict[str, Any] = {name: changes[name] for name in changed}
        candidate = replace(self, **updates, events=[])
        if "phone_number" in changed and self.username == self.phone_number:
            # A username that is the phone number follows it, so that the old number is free.
            candidate.username = candidate.phone_number or self.username
        candidate.check()
        for name in ("username", *changed):
            setattr(self, name, getattr(candidate, name))
        self.updated_at = now
        self._record_update(changed, by)
        return changed

    def _record_update(self, changed: list[str], by: uuid.UUID | None) -> None:
        if "active" in changed and not self.active:
            self.revoke_tokens(self.updated_at, "deactivated")
        elif "role" in changed:
            self.revoke_tokens(self.updated_at, "role_changed")
        if "active" in changed and not self.active:
            self.events.append(UserDeactivated(self.id, by))
            changed = [name for name in changed if name != "active"]
        if changed:
            values = {name: _plain(getattr(self, name)) for name in changed}
            self.events.append(UserUpdated(self.id, tuple(changed), values, by))

    def set_password(self, password_hash: str, now: datetime, *,
                     reset_by: uuid.UUID | None = None) -> None:
        """A new password: the user's own, or one set with a code (`reset_by`: the staff
        member who issued it as a reset, which marks the account until the user changes it)."""
        self.password_hash = password_hash
        self.activated_at = self.activated_at or now
        self.password_reset_by = reset_by
        self.updated_at = now

    def rehash(self, password_hash: str, now: datetime) -> None:
        """The same password hashed with newer Argon2 parameters: nothing else changes."""
        self.password_hash = password_hash
        self.updated_at = now

    def void_password(self, now: datetime) -> None:
        """A reset: the old password stops working; only the one-time code sets a new one."""
        self.password_hash = None
        self.updated_at = now

    def revoke_tokens(self, now: datetime, reason: str) -> None:
        """Refuse every access token issued until now (to the millisecond, as tokens say)."""
        cut = now.replace(microsecond=now.microsecond // 1000 * 1000)
        if self.tokens_valid_after is None or cut > self.tokens_valid_after:
            self.tokens_valid_after = cut
        self.events.append(SessionsRevoked(self.id, cut, reason))

    def accepts_token_issued(self, issued_at: float | None) -> bool:
        if self.tokens_valid_after is None:
            return True
        return issued_at is not None and issued_at >= self.tokens_valid_after.timestamp()

    def pull_events(self) -> list[Event]:
        events, self.events = self.events, []
        return events


def mask_phone(phone_number: str) -> str:
    """`+254712345678` -> `+2547••••678`: enough for the desk to tell the patient which phone
    the code went to, too little to learn the number."""
    keep_start = min(5, max(1, len(phone_number) - 8))  # at least 5 digits hidden
    return f"{phone_number[:keep_start]}••••{phone_number[-3:]}"


def _plain(value: object) -> object:
    return value.value if isinstance(value, Role) else value
