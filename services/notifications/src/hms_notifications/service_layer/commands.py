"""What callers ask for, each a ``Command[R]`` with the ``roles`` that may ask."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import ClassVar

from hms_notifications.domain.model import Preferences
from hms_notifications.service_layer.ports import MessageFilter, Page
from hms_platform.messagebus import Command
from hms_platform.roles import ADMIN, ROLES


@dataclass(frozen=True)
class GetPreferences(Command[Preferences]):
    read_only: ClassVar[bool] = True
    roles: ClassVar[frozenset[str]] = ROLES

    user_id: uuid.UUID


@dataclass(frozen=True)
class PutPreferences(Command[Preferences]):
    roles: ClassVar[frozenset[str]] = ROLES

    preferences: Preferences


@dataclass(frozen=True)
class ListMine(Command[Page]):
    read_only: ClassVar[bool] = True
    roles: ClassVar[frozenset[str]] = ROLES

    user_id: uuid.UUID
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class ListMessages(Command[Page]):
    read_only: ClassVar[bool] = True
    roles: ClassVar[frozenset[str]] = frozenset({ADMIN})

    where: MessageFilter
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class RecordProviderStatus(Command[bool]):
    """Twilio's delivery-status callback (its signature already checked)."""

    provider_id: str
    status: str
    error_code: str | None = None


@dataclass(frozen=True)
class SendDue(Command[int]):
    """Claim up to ``batch_size`` due messages, send them, record the outcomes."""

    batch_size: int = 50
