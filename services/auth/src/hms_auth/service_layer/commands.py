"""Commands and queries: what a caller asks the service to do (`Command[R]`) or to read
(`Query[R]`, no transaction). R says what handling returns; `roles`, who may ask (the routes'
dependencies read it)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from hms_auth.domain.keys import SigningKey
from hms_auth.domain.users import User
from hms_platform.messagebus import Command, Query
from hms_platform.roles import ADMIN, ROLES, STAFF


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str = field(repr=False)
    expires_in: int
    token_type: str = "bearer"


@dataclass(frozen=True)
class WalkInRegistration:
    user: User
    activation_code: str = field(repr=False)  # shown once, to hand over at the desk
    expires_at: datetime
    # auth's signed word that the patient exists (typ hms-patient+jwt): the queue issues a
    # ticket with it before auth's event reaches it
    voucher: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class UserPage:
    items: list[User]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True)
class ResetCode:
    user: User
    # Sent by SMS (sealed in the event) to `sent_to`; shown to the staff member only for a
    # walk-in who has never set a password (None otherwise): see handlers/passwords.py.
    code: str | None = field(repr=False)
    expires_at: datetime
    sent_to: str  # the phone number, masked


@dataclass(frozen=True)
class RegisterPatient(Command[User]):
    phone_number: str
    password: str = field(repr=False)
    full_name: str
    email: str | None = None
    username: str | None = None
    client_ip: str = "unknown"


@dataclass(frozen=True)
class RegisterWalkInPatient(Command[WalkInRegistration]):
    roles: ClassVar[frozenset[str]] = STAFF

    phone_number: str
    full_name: str
    email: str | None = None
    username: str | None = None
    user_id: uuid.UUID | None = None  # the client's own id (offline); taken: 409


@dataclass(frozen=True)
class IssueActivationCode(Command[WalkInRegistration]):
    roles: ClassVar[frozenset[str]] = STAFF

    user_id: uuid.UUID


@dataclass(frozen=True)
class ActivatePatient(Command[None]):
    phone_number: str
    activation_code: str = field(repr=False)
    password: str = field(repr=False)
    client_ip: str = "unknown"


@dataclass(frozen=True)
class CreateStaffUser(Command[User]):
    roles: ClassVar[frozenset[str]] = frozenset({ADMIN})

    username: str
    password: str = field(repr=False)
    role: str
    full_name: str
    email: str | None = None
    phone_number: str | None = None
    department: str | None = None
    room: str | None = None


@dataclass(frozen=True)
class EnsureFirstAdmin(Command[User | None]):
    username: str
    password: str = field(repr=False)


@dataclass(frozen=True)
class UpdateUser(Command[User]):
    """An admin's change to any user (`changes`: field -> new value, None clears)."""

    roles: ClassVar[frozenset[str]] = frozenset({ADMIN})

    user_id: uuid.UUID
    changes: Mapping[str, Any]
    actor_id: uuid.UUID | None = None  # the admin, for the audit trail


@dataclass(frozen=True)
class UpdateProfile(Command[User]):
    """A user's change to their own profile."""

    roles: ClassVar[frozenset[str]] = ROLES

    user_id: uuid.UUID
    changes: Mapping[str, Any]
    client_ip: str = "unknown"
    role: str = "patient"  # the caller's: staff writes win over patients' (offline)
    client_updated_at: datetime | None = None  # offline: last-write-wins per field


@dataclass(frozen=True)
class UpdatePatient(Command[User]):
    """The desk's change to a patient's profile (full_name, email, phone_number)."""

    roles: ClassVar[frozenset[str]] = STAFF

    user_id: uuid.UUID
    changes: Mapping[str, Any]
    actor_id: uuid.UUID
    role: str
    client_updated_at: datetime | None = None  # offline: last-write-wins per field


@dataclass(frozen=True)
class ChangePassword(Command[None]):
    """The signed-in user's own change; every session ends."""

    roles: ClassVar[frozenset[str]] = ROLES

    user_id: uuid.UUID
    current_password: str = field(repr=False)
    new_password: str = field(repr=False)
    client_ip: str = "unknown"


@dataclass(frozen=True)
class IssuePasswordReset(Command[ResetCode]):
    """Staff void a user's password and get a one-time code that sets a new one: an admin
    for staff, the desk (or an admin) for patients."""

    roles: ClassVar[frozenset[str]] = STAFF

    actor_id: uuid.UUID
    actor_role: str
    user_id: uuid.UUID


@dataclass(frozen=True)
class RequestPasswordReset(Command[None]):
    """Anyone asks for a reset code to be sent by SMS to a phone number: it goes only to an
    active patient's number, leaves the password working, and the answer is always the same."""

    phone_number: str
    client_ip: str = "unknown"


@dataclass(frozen=True)
class ReportThrottledSignIns(Command[int]):
    """Turn every closed window of refused sign-ins into one event with its count (the API
    runs it periodically); returns how many windows were reported."""

    batch: int = 500


@dataclass(frozen=True)
class ResetPassword(Command[None]):
    """Redeem a reset code: `login` is a username or a phone number."""

    login: str
    code: str = field(repr=False)
    new_password: str = field(repr=False)
    client_ip: str = "unknown"


@dataclass(frozen=True)
class GetUser(Query[User]):
    roles: ClassVar[frozenset[str]] = ROLES

    user_id: uuid.UUID


@dataclass(frozen=True)
class ListUsers(Query[UserPage]):
    roles: ClassVar[frozenset[str]] = frozenset({ADMIN})

    role: str | None = None
    active: bool | None = None
    query: str | None = None
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class SearchPatients(Query[UserPage]):
    """The desk finds a patient: patients only, never staff accounts."""

    roles: ClassVar[frozenset[str]] = STAFF

    query: str | None = None
    limit: int = 20
    offset: int = 0


@dataclass(frozen=True)
class ConfirmCaller(Query[None]):
    """Is the bearer of a valid token still an active user with that role?"""


    user_id: uuid.UUID
    role: str
    issued_at: float | None = None  # the token's iat


@dataclass(frozen=True)
class SignIn(Command[TokenPair]):
    username: str
    password: str = field(repr=False)
    client_ip: str = "unknown"


@dataclass(frozen=True)
class RefreshSession(Command[TokenPair]):
    refresh_token: str = field(repr=False)


@dataclass(frozen=True)
class SignOut(Command[None]):
    roles: ClassVar[frozenset[str]] = ROLES

    user_id: uuid.UUID
    refresh_token: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class EnsureSigningKey(Command[SigningKey]):
    pass


@dataclass(frozen=True)
class RotateSigningKeys(Command[SigningKey]):
    pass


@dataclass(frozen=True)
class GetJwks(Query[dict[str, Any]]):
    pass
