"""Refresh tokens: opaque, rotated on every use, grouped in families (one per sign-in).

A family lives at most `refresh_absolute_ttl` from the sign-in, and each token at most
`refresh_idle_ttl` from its issue. Presenting a token that was already spent means two parties
hold the family (RFC 9700 section 4.14.2): the whole family is revoked.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from hms_auth.domain.errors import InvalidRefreshToken, RefreshTokenReused
from hms_auth.domain.events import Event, RefreshTokenReuseDetected
from hms_auth.domain.policy import AuthPolicy


def hash_refresh_token(raw: str) -> str:
    # 256 random bits need no slow hash: SHA-256 makes a stolen table useless, lookups cheap.
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def new_refresh_secret() -> tuple[str, str]:
    raw = secrets.token_urlsafe(32)
    return raw, hash_refresh_token(raw)


@dataclass
class RefreshToken:
    token_hash: str
    family_id: uuid.UUID
    issued_at: datetime
    idle_expires_at: datetime
    spent_at: datetime | None = None


@dataclass
class RefreshFamily:
    id: uuid.UUID
    user_id: uuid.UUID
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None
    revoked_reason: str | None = None
    events: list[Event] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def start(cls, user_id: uuid.UUID, now: datetime,
              policy: AuthPolicy) -> tuple[RefreshFamily, RefreshToken, str]:
        """A new family for a sign-in, with its first token (and that token's secret)."""
        family = cls(uuid.uuid4(), user_id, now, now + policy.refresh_absolute_ttl)
        token, raw = family._issue(now, policy)
        return family, token, raw

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def rotate(self, token: RefreshToken, now: datetime,
               policy: AuthPolicy) -> tuple[RefreshToken, str]:
        """Spend `token` and return its successor; raise when it may not be used."""
        if self.revoked:
            raise InvalidRefreshToken()
        if token.spent_at is not None:
            self.revoke(now, "reuse")
            self.events.append(RefreshTokenReuseDetected(self.user_id, self.id))
            raise RefreshTokenReused()
        if now >= self.expires_at or now >= token.idle_expires_at:
            raise InvalidRefreshToken()
        token.spent_at = now
        return self._issue(now, policy)

    def revoke(self, now: datetime, reason: str) -> None:
        if not self.revoked:
            self.revoked_at, self.revoked_reason = now, reason

    def pull_events(self) -> list[Event]:
        events, self.events = self.events, []
        return events

    def _issue(self, now: datetime, policy: AuthPolicy) -> tuple[RefreshToken, str]:
        raw, token_hash = new_refresh_secret()
        idle_expiry = min(now + policy.refresh_idle_ttl, self.expires_at)
        return RefreshToken(token_hash, self.id, now, idle_expiry), raw
