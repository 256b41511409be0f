"""The auth unit of work: one transaction over every repository, with the outbox."""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hms_auth.adapters.keys import KeyCipher, SqlSigningKeyRepository
from hms_auth.adapters.orm import OUTBOX
from hms_auth.adapters.repositories import SqlActivationCodeRepository, SqlUserRepository
from hms_auth.adapters.sessions import SqlRefreshTokenRepository, SqlThrottleRepository
from hms_auth.service_layer import ports
from hms_contracts.envelope import Envelope
from hms_platform.db import SqlUnitOfWork


class AuthUnitOfWork(Protocol):
    users: ports.UserRepository
    activation_codes: ports.ActivationCodeRepository
    refresh_tokens: ports.RefreshTokenRepository
    throttle: ports.ThrottleRepository
    signing_keys: ports.SigningKeyRepository

    async def __aenter__(self) -> Self: ...

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None: ...

    def add_event(self, envelope: Envelope) -> None: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


class SqlAuthUnitOfWork(SqlUnitOfWork):
    # Typed as the ports: protocol attributes are invariant, so the concrete types won't do.
    users: ports.UserRepository
    activation_codes: ports.ActivationCodeRepository
    refresh_tokens: ports.RefreshTokenRepository
    throttle: ports.ThrottleRepository
    signing_keys: ports.SigningKeyRepository

    def __init__(self, session_factory: async_sessionmaker[AsyncSession],
                 cipher: KeyCipher) -> None:
        super().__init__(session_factory, OUTBOX)
        self._cipher = cipher

    def _open(self) -> None:
        self.users = SqlUserRepository(self.session)
        self.activation_codes = SqlActivationCodeRepository(self.session)
        self.refresh_tokens = SqlRefreshTokenRepository(self.session)
        self.throttle = SqlThrottleRepository(self.session)
        self.signing_keys = SqlSigningKeyRepository(self.session, self._cipher)
