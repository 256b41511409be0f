"""The SQL unit of work: the platform's (one transaction, outbox on commit) with auth's
repositories over its session."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hms_auth.adapters.activation_codes import SqlActivationCodeRepository
from hms_auth.adapters.keys import KeyCipher, SqlSigningKeyRepository
from hms_auth.adapters.orm import OUTBOX
from hms_auth.adapters.refresh_tokens import SqlRefreshTokenRepository
from hms_auth.adapters.throttle import SqlThrottleRepository
from hms_auth.adapters.users import SqlUserRepository
from hms_auth.service_layer import ports
from hms_platform.db import SqlUnitOfWork


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
