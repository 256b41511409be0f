"""The SQL unit of work: the platform's (one transaction, the events of what its repositories
wrote to the outbox on commit) with auth's repositories over its connection."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from hms_auth.adapters.activation_codes import SqlActivationCodeRepository
from hms_auth.adapters.contracts import CONTRACTS
from hms_auth.adapters.keys import KeyCipher, SqlSigningKeyRepository
from hms_auth.adapters.orm import OUTBOX
from hms_auth.adapters.refresh_tokens import SqlRefreshTokenRepository
from hms_auth.adapters.throttle import SqlThrottleRepository
from hms_auth.adapters.users import SqlUserRepository
from hms_auth.service_layer import ports
from hms_platform.unit_of_work import RecordingUnitOfWork


class SqlAuthUnitOfWork(RecordingUnitOfWork):
    # Typed as the ports: protocol attributes are invariant, so the concrete types won't do.
    users: ports.UserRepository
    activation_codes: ports.ActivationCodeRepository
    refresh_tokens: ports.RefreshTokenRepository
    throttle: ports.ThrottleRepository
    signing_keys: ports.SigningKeyRepository
    contracts = CONTRACTS

    def __init__(self, engine: AsyncEngine, cipher: KeyCipher) -> None:
        super().__init__(engine, OUTBOX)
        self._cipher = cipher

    def _open(self) -> None:
        self.users = SqlUserRepository(self.connection, self.recorder.seen)
        self.activation_codes = SqlActivationCodeRepository(self.connection)
        self.refresh_tokens = SqlRefreshTokenRepository(self.connection, self.recorder.seen)
        self.throttle = SqlThrottleRepository(self.connection)
        self.signing_keys = SqlSigningKeyRepository(self.connection, self._cipher)
