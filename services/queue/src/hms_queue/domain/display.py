"""A named waiting-room display ("Ground floor waiting room", with its doctors' lines), made by
an admin. Its screen link stays valid until the display is revoked; the screen swaps in fresh
short-lived tokens by itself (entrypoints/api/display_links.py). Revoking is final."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from hms_queue.domain import errors as exc

MAX_NAME = 100


@dataclass(eq=False)
class Display:
    id: uuid.UUID
    name: str
    doctor_ids: tuple[uuid.UUID, ...]
    created_at: datetime
    created_by: uuid.UUID
    revoked_at: datetime | None = None
    revoked_by: uuid.UUID | None = None

    @classmethod
    def create(cls, name: str, doctor_ids: Iterable[uuid.UUID], now: datetime, by: uuid.UUID,
               *, max_doctors: int) -> Display:
        name = " ".join(name.split())
        if not 1 <= len(name) <= MAX_NAME:
            raise exc.InvalidDisplay(f"A display's name is 1 to {MAX_NAME} characters.")
        doctors = tuple(dict.fromkeys(doctor_ids))
        if not 1 <= len(doctors) <= max_doctors:
            raise exc.InvalidDisplay(f"A display shows 1 to {max_doctors} lines.")
        return cls(uuid.uuid4(), name, doctors, now, by)

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def revoke(self, now: datetime, by: uuid.UUID) -> bool:
        """Revoked now; False if it already was (nothing changes)."""
        if not self.active:
            return False
        self.revoked_at, self.revoked_by = now, by
        return True
