"""What the handlers need from the outside world, as Protocols named for the role."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from hms_auth.domain.activation import ActivationCode
from hms_auth.domain.keys import SigningKey
from hms_auth.domain.refresh import RefreshFamily, RefreshToken
from hms_auth.domain.throttle import ThrottleState
from hms_auth.domain.users import User
from hms_platform.ports import PublishingUnitOfWork


class UserRepository(Protocol):
    async def add(self, user: User) -> None:
        """Insert; raise AlreadyRegistered naming the field that is taken."""

    async def save(self, user: User) -> None:
        """Update every column; raise AlreadyRegistered like `add`."""

    async def get(self, user_id: uuid.UUID, *, for_update: bool = False) -> User | None: ...

    async def get_by_phone(self, phone_number: str) -> User | None: ...

    async def find_by_login(self, username: str, phone_number: str | None) -> User | None:
        """The user whose username (case-insensitively) or phone number this is."""

    async def search(self, *, role: str | None, active: bool | None, query: str | None,
                     limit: int, offset: int) -> tuple[list[User], int]: ...

    async def any_admin(self) -> bool: ...

    async def count_active_admins(self) -> int: ...

    async def lock_admins(self) -> None:
        """Serialise, until commit, every transaction that may change who is an admin."""


class ActivationCodeRepository(Protocol):
    async def put(self, code: ActivationCode) -> None:
        """Store the user's code, replacing any earlier one."""

    async def get(self, user_id: uuid.UUID) -> ActivationCode | None: ...

    async def get_for_update(self, user_id: uuid.UUID) -> ActivationCode | None: ...

    async def save(self, code: ActivationCode) -> None: ...


class RefreshTokenRepository(Protocol):
    async def add_family(self, family: RefreshFamily, token: RefreshToken) -> None: ...

    async def add_token(self, token: RefreshToken) -> None: ...

    async def lock(self, token_hash: str) -> tuple[RefreshFamily, RefreshToken] | None:
        """The token and its family, locked until commit, so concurrent uses queue up."""

    async def save(self, family: RefreshFamily, token: RefreshToken | None = None) -> None: ...

    async def revoke_all(self, user_id: uuid.UUID, now: datetime, reason: str) -> int: ...


class ThrottleRepository(Protocol):
    async def get(self, scope: str, key: str) -> ThrottleState | None: ...

    async def record_failure(self, scope: str, key: str, now: datetime,
                             window: timedelta) -> ThrottleState:
        """Count one failure atomically (domain.throttle.after_failure, in the database)."""

    async def take(self, scope: str, key: str, now: datetime, window: timedelta,
                   limit: int) -> ThrottleState | None:
        """Count one attempt atomically unless the window open at ``now`` already holds
        ``limit`` (taken before it is evaluated, so N concurrent guesses are not all evaluated):
        the new state, or None when refused."""

    async def give_back(self, scope: str, key: str, window_start: datetime) -> None:
        """Undo one `take` made in the window that started at `window_start`."""

    async def reset(self, scope: str, key: str) -> None: ...

    async def tally(self, scope: str, key: str, now: datetime,
                    window: timedelta) -> ThrottleState | None:
        """Count one refused attempt (domain.throttle.after_refusal) with the row locked: the
        window that this closed (its final count), or None."""

    async def close_windows(self, scope: str, started_before: datetime,
                            limit: int) -> list[tuple[str, ThrottleState]]:
        """Delete and return up to `limit` counters of `scope` whose window started at or
        before `started_before`, skipping rows another transaction holds."""


class SigningKeyRepository(Protocol):
    async def lock(self) -> None:
        """Serialise key creation and rotation across replicas until commit."""

    async def current(self) -> SigningKey | None:
        """The signing key, with its private half."""

    async def published(self) -> Sequence[SigningKey]:
        """Current and previous keys (public halves): what verifiers may accept."""

    async def add(self, key: SigningKey) -> None: ...

    async def save_status(self, key: SigningKey) -> None: ...


class PasswordHasher(Protocol):
    """Argon2 is slow on purpose: implementations bound how many run at once and raise
    ServiceBusy at once, rather than queue, when that many are already waiting."""

    async def hash(self, secret: str) -> str: ...

    async def verify(self, secret: str, hashed: str | None) -> tuple[bool, str | None]:
        """(matches, a new hash when the parameters changed). With no hash it still spends the
        time of a verification and answers False, so that unknown users cost the same."""


class ContactValidator(Protocol):
    def phone(self, raw: str) -> str:
        """E.164, or raise InvalidPhoneNumber."""

    def maybe_phone(self, raw: str) -> str | None: ...

    def email(self, raw: str) -> str:
        """The normalised address, or raise InvalidEmail."""


class TokenSigner(Protocol):
    def sign(self, key: SigningKey, *, subject: uuid.UUID, role: str, now: datetime,
             ttl: timedelta) -> str:
        """An access token for `subject`, signed with `key`."""

    def voucher(self, key: SigningKey, *, patient_id: uuid.UUID, full_name: str, now: datetime,
                ttl: timedelta) -> str:
        """A patient voucher (typ hms-patient+jwt, never an access token): auth's signed
        word that the patient exists, for the queue before auth's event reaches it."""


class CodeSealer(Protocol):
    def seal(self, secret: str, context: str) -> str:
        """`secret` encrypted for the services that share the code key (notifications)."""


# Waits that many seconds (asyncio.sleep; tests record instead).
Pause = Callable[[float], Awaitable[None]]


class KeyGenerator(Protocol):
    def __call__(self, now: datetime) -> SigningKey: ...


class UnitOfWork(PublishingUnitOfWork, Protocol):
    """One transaction over every repository, with the outbox (adapters/unit_of_work.py)."""

    users: UserRepository
    activation_codes: ActivationCodeRepository
    refresh_tokens: RefreshTokenRepository
    throttle: ThrottleRepository
    signing_keys: SigningKeyRepository
