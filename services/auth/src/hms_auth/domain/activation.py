"""One-time activation codes: how a patient registered at the desk sets their first password."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from hms_auth.domain.errors import InvalidActivationCode

# Crockford-like: no 0/O, 1/I/L, so that a code read aloud or copied from paper survives.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10  # 31**10 is about 2**49.5; sign-in-style throttling caps guesses far below


def new_activation_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    """What people type: any case, spaces or dashes between groups."""
    return "".join(ch for ch in raw.upper() if ch not in " -")


def display_code(code: str) -> str:
    """`ABCDE-FGHJK`: easier to read out at the desk."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


@dataclass
class ActivationCode:
    """The code itself is never stored, only its (Argon2) hash: it is a short secret."""

    user_id: uuid.UUID
    code_hash: str
    issued_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    # Who issued it as a password reset: staff, or the user themself (asked for it by SMS);
    # None for a walk-in's activation code.
    reset_by: uuid.UUID | None = None

    @classmethod
    def issue(cls, user_id: uuid.UUID, code_hash: str, now: datetime, ttl: timedelta,
              reset_by: uuid.UUID | None = None) -> ActivationCode:
        return cls(user_id, code_hash, issued_at=now, expires_at=now + ttl, reset_by=reset_by)

    @property
    def asked_by_user(self) -> bool:
        """A reset the user asked for themself: it left the password working."""
        return self.reset_by is not None and self.reset_by == self.user_id

    @property
    def issued_by_staff(self) -> uuid.UUID | None:
        """The staff member who issued it as a reset (None: the user's own, or activation)."""
        return None if self.asked_by_user else self.reset_by

    def may_set_password(self, has_password: bool) -> bool:
        """A code sets the first password, or one a staff reset voided; only a reset the user
        asked for replaces a password that still works."""
        return not has_password or self.asked_by_user

    def is_redeemable(self, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at

    def redeem(self, now: datetime) -> None:
        # Expired and already-used codes get the same answer as a wrong code: no hint which.
        if not self.is_redeemable(now):
            raise InvalidActivationCode()
        self.used_at = now
