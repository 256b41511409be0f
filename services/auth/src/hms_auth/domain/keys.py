"""Token signing keys and their rotation: current signs, previous verifies, retired is gone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class KeyStatus(StrEnum):
    CURRENT = "current"
    PREVIOUS = "previous"
    RETIRED = "retired"


@dataclass
class SigningKey:
    kid: str
    status: KeyStatus
    public_jwk: dict[str, Any]
    created_at: datetime
    private_pem: bytes | None = field(default=None, repr=False)  # None once retired


def rotate(keys: Sequence[SigningKey], new: SigningKey) -> list[SigningKey]:
    """Make `new` current, current previous, previous retired. Returns every changed key, in an
    order that keeps "one current, one previous" true after each step (see the migration)."""
    changed: list[SigningKey] = []
    for old, status in ((KeyStatus.PREVIOUS, KeyStatus.RETIRED),
                        (KeyStatus.CURRENT, KeyStatus.PREVIOUS)):
        for key in keys:
            if key.status is old:
                key.status = status
                if status is KeyStatus.RETIRED:
                    key.private_pem = None  # a retired key never signs again: forget it
                changed.append(key)
    new.status = KeyStatus.CURRENT
    changed.append(new)
    return changed
