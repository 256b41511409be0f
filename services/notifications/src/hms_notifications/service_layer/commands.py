"""What callers ask for, each a ``Command[R]`` (or a ``Query[R]``, which only reads) with the
``roles`` that may ask."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import ClassVar

from hms_notifications.domain.model import Preferences
from hms_notifications.service_layer.ports import MessageFilter, Page
from hms_platform.messagebus import Command, Query
from hms_platform.roles import ADMIN, ROLES


@dataclass(frozen=True)
class GetPreferences(Query[Preferences]):
    roles: ClassVar[frozenset[str]] = ROLES

    user_id: uuid.UUID


@dataclass(frozen=True)
class PutPreferences(Command[Preferences]):
    roles: ClassVar[frozenset[str]] = ROLES

    preferences: Preferences


@dataclass(frozen=True)
class GetPushKey(Query[str | None]):
    """The VAPID public key the app subscribes with (None: Web Push is off here)."""

    roles: ClassVar[frozenset[str]] = ROLES


@dataclass(frozen=True)
class ListMine(Query[Page]):
    roles: ClassVar[frozenset[str]] = ROLES

    user_id: uuid.UUID
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class ListMessages(Query[Page]):
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
