"""In-memory fakes of auth's ports, for unit tests. Loaded by conftest.py (importlib mode: test
files cannot import it) and handed out by the `fakes` fixture.

Repositories keep copies, not the handler's objects: a handler that forgets to save loses its
change here too, as it would in Postgres.
"""

from __future__ import annotations

import copy
import hashlib
import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from hms_auth.adapters.contracts import CONTRACTS
from hms_auth.domain.activation import ActivationCode
from hms_auth.domain.errors import AlreadyRegistered
from hms_auth.domain.keys import KeyStatus, SigningKey
from hms_auth.domain.refresh import RefreshFamily, RefreshToken
from hms_auth.domain.throttle import ThrottleState, after_failure, after_refusal
from hms_auth.domain.users import Role, User
from hms_auth.service_layer import ports
from hms_contracts.envelope import Envelope
from hms_platform.recording import EventRecorder, Seen


def _copy(obj: Any) -> Any:
    clone = copy.deepcopy(obj)
    if hasattr(clone, "events"):
        clone.events = []
    return clone


class FakeUserRepository:
    def __init__(self, seen: Seen) -> None:
        self.rows: dict[uuid.UUID, User] = {}
        self.seen = seen  # the unit of work's recorder

    def _check_unique(self, user: User) -> None:
        for other in self.rows.values():
            if other.id == user.id:
                continue
            if other.username.lower() == user.username.lower():
                raise AlreadyRegistered("username")
            if user.phone_number and other.phone_number == user.phone_number:
                raise AlreadyRegistered("phone_number")

    async def add(self, user: User) -> None:
        self._check_unique(user)
        self.rows[user.id] = _copy(user)
        self.seen(user)

    async def save(self, user: User) -> None:
        self._check_unique(user)
        self.rows[user.id] = _copy(user)
        self.seen(user)

    async def get(self, user_id: uuid.UUID, *, for_update: bool = False) -> User | None:
        return _copy(self.rows[user_id]) if user_id in self.rows else None

    async def get_by_phone(self, phone_number: str) -> User | None:
        return next((_copy(u) for u in self.rows.values() if u.phone_number == phone_number), None)

    async def find_by_login(self, username: str, phone_number: str | None) -> User | None:
        for user in self.rows.values():
            if user.username.lower() == username:
                return _copy(user)
        return await self.get_by_phone(phone_number) if phone_number else None

    async def search(self, *, role: str | None, active: bool | None, query: str | None,
                     limit: int, offset: int) -> tuple[list[User], int]:
        found = [u for u in self.rows.values()
                 if (role is None or u.role == role) and (active is None or u.active == active)
                 and (not query or query.lower() in f"{u.username} {u.full_name}".lower())]
        return [_copy(u) for u in found[offset:offset + limit]], len(found)

    async def any_admin(self) -> bool:
        return any(u.role is Role.ADMIN for u in self.rows.values())

    async def count_active_admins(self) -> int:
        return sum(1 for u in self.rows.values() if u.is_active_admin)

    async def lock_admins(self) -> None:
        pass


class FakeActivationCodeRepository:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, ActivationCode] = {}

    async def put(self, code: ActivationCode) -> None:
        self.rows[code.user_id] = _copy(code)

    async def get(self, user_id: uuid.UUID) -> ActivationCode | None:
        return await self.get_for_update(user_id)

    async def get_for_update(self, user_id: uuid.UUID) -> ActivationCode | None:
        return _copy(self.rows[user_id]) if user_id in self.rows else None

    async def save(self, code: ActivationCode) -> None:
        self.rows[code.user_id] = _copy(code)


class FakeRefreshTokenRepository:
    def __init__(self, seen: Seen) -> None:
        self.families: dict[uuid.UUID, RefreshFamily] = {}
        self.seen = seen  # the unit of work's recorder
        self.tokens: dict[str, RefreshToken] = {}

    async def add_family(self, family: RefreshFamily, token: RefreshToken) -> None:
        self.families[family.id] = _copy(family)
        self.seen(family)
        await self.add_token(token)

    async def add_token(self, token: RefreshToken) -> None:
        self.tokens[token.token_hash] = _copy(token)

    async def lock(self, token_hash: str) -> tuple[RefreshFamily, RefreshToken] | None:
        token = self.tokens.get(token_hash)
        if token is None:
            return None
        return _copy(self.families[token.family_id]), _copy(token)

    async def save(self, family: RefreshFamily, token: RefreshToken | None = None) -> None:
        self.families[family.id] = _copy(family)
        self.seen(family)
        if token is not None:
            self.tokens[token.token_hash] = _copy(token)

    async def revoke_all(self, user_id: uuid.UUID, now: datetime, reason: str) -> int:
        live = [f for f in self.families.values() if f.user_id == user_id and not f.revoked]
        for family in live:
            family.revoke(now, reason)
        return len(live)


class FakeThrottleRepository:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], ThrottleState] = {}

    async def get(self, scope: str, key: str) -> ThrottleState | None:
        return self.rows.get((scope, key))

    async def record_failure(self, scope: str, key: str, now: datetime,
                             window: timedelta) -> ThrottleState:
        state = after_failure(self.rows.get((scope, key)), now, window)
        self.rows[(scope, key)] = state
        return state

    async def take(self, scope: str, key: str, now: datetime, window: timedelta,
                   limit: int) -> ThrottleState | None:
        state = self.rows.get((scope, key))  # what adapters/throttle.py's upsert does
        if state is not None and state.count(now, window) >= limit:
            return None
        state = after_failure(state, now, window)
        self.rows[(scope, key)] = state
        return state

    async def give_back(self, scope: str, key: str, window_start: datetime) -> None:
        state = self.rows.get((scope, key))
        if state is not None and state.window_start == window_start and state.failures > 0:
            self.rows[(scope, key)] = ThrottleState(window_start, state.failures - 1)

    async def reset(self, scope: str, key: str) -> None:
        self.rows.pop((scope, key), None)

    async def tally(self, scope: str, key: str, now: datetime,
                    window: timedelta) -> ThrottleState | None:
        state, closed = after_refusal(self.rows.get((scope, key)), now, window)
        self.rows[(scope, key)] = state
        return closed

    async def close_windows(self, scope: str, started_before: datetime,
                            limit: int) -> list[tuple[str, ThrottleState]]:
        due = sorted(((key, state) for (s, key), state in self.rows.items()
                      if s == scope and state.window_start <= started_before),
                     key=lambda item: item[1].window_start)[:limit]
        for key, _ in due:
            del self.rows[(scope, key)]
        return due


class FakeSigningKeyRepository:
    def __init__(self) -> None:
        self.keys: list[SigningKey] = []

    async def lock(self) -> None:
        pass

    async def current(self) -> SigningKey | None:
        return next((_copy(k) for k in self.keys if k.status is KeyStatus.CURRENT), None)

    async def published(self) -> list[SigningKey]:
        live = [k for k in self.keys if k.status is not KeyStatus.RETIRED]
        return [_copy(k) for k in sorted(live, key=lambda k: k.created_at, reverse=True)]

    async def add(self, key: SigningKey) -> None:
        self.keys.append(_copy(key))

    async def save_status(self, key: SigningKey) -> None:
        for stored in self.keys:
            if stored.kid == key.kid:
                stored.status, stored.private_pem = key.status, key.private_pem


class FakeUnitOfWork:
    """Shared by every call of a test; `events` holds what committed, `commits` counts."""

    def __init__(self) -> None:
        self.recorder = EventRecorder(CONTRACTS)
        # Typed as the ports (protocol attributes are invariant): each line checks its fake.
        self.users: ports.UserRepository = FakeUserRepository(self.recorder.seen)
        self.activation_codes: ports.ActivationCodeRepository = FakeActivationCodeRepository()
        self.refresh_tokens: ports.RefreshTokenRepository = FakeRefreshTokenRepository(
            self.recorder.seen)
        self.throttle: ports.ThrottleRepository = FakeThrottleRepository()
        self.signing_keys: ports.SigningKeyRepository = FakeSigningKeyRepository()
        self.events: list[Envelope] = []
        self.commits = 0

    async def __aenter__(self) -> FakeUnitOfWork:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.rollback()

    def emit(self, event: object, *, occurred_at: datetime | None = None) -> None:
        self.recorder.emit(event, occurred_at=occurred_at)

    async def commit(self) -> None:
        self.events.extend(self.recorder.collect())
        self.commits += 1

    async def rollback(self) -> None:
        self.recorder.discard()

    def event_names(self) -> list[str]:
        return [e.name for e in self.events]


class FakePasswordHasher:
    """Fast and transparent: records what was verified against (None: the dummy hash)."""

    def __init__(self) -> None:
        self.verified: list[str | None] = []
        self.hashed = 0  # how many hashes were made

    @staticmethod
    def _digest(secret: str) -> str:
        return "fake$" + hashlib.sha256(secret.encode("utf-8")).hexdigest()

    async def hash(self, secret: str) -> str:
        self.hashed += 1
        return self._digest(secret)

    async def verify(self, secret: str, hashed: str | None) -> tuple[bool, str | None]:
        self.verified.append(hashed)
        if hashed is None:
            return False, None
        return hashed == self._digest(secret), None


class FakePause:
    """Records the delays a handler asked for instead of sleeping."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


class FakeSigner:
    def sign(self, key: SigningKey, *, subject: uuid.UUID, role: str, now: datetime,
             ttl: timedelta) -> str:
        return f"{key.kid}|{subject}|{role}|{int((now + ttl).timestamp())}"

    def voucher(self, key: SigningKey, *, patient_id: uuid.UUID, full_name: str, now: datetime,
                ttl: timedelta) -> str:
        return f"voucher|{key.kid}|{patient_id}|{int((now + ttl).timestamp())}"


class FakeKeyGenerator:
    def __init__(self) -> None:
        self.made = 0

    def __call__(self, now: datetime) -> SigningKey:
        self.made += 1
        kid = f"key-{self.made}"
        return SigningKey(kid=kid, status=KeyStatus.CURRENT, public_jwk={"kid": kid},
                          created_at=now + timedelta(microseconds=self.made),
                          private_pem=b"private-" + kid.encode())


if TYPE_CHECKING:  # `make lint` type-checks this: a fake that drifts from its port fails here.
    def _fits_the_ports() -> None:
        _uow: ports.UnitOfWork = FakeUnitOfWork()
        _hasher: ports.PasswordHasher = FakePasswordHasher()
        _pause: ports.Pause = FakePause()
        _signer: ports.TokenSigner = FakeSigner()
        _new_key: ports.KeyGenerator = FakeKeyGenerator()
