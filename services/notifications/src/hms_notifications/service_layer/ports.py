"""The ports the handlers depend on: repositories, the unit of work and the channels (SQL and
provider adapters in ``adapters/``, fakes in the unit tests)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from hms_notifications.domain.delivery import Outcome
from hms_notifications.domain.model import AppointmentMark, Contact, Message, Preferences
from hms_notifications.domain.templates import Rendered
from hms_platform.ports import PublishingUnitOfWork


@dataclass(frozen=True)
class MessageFilter:
    recipient_id: uuid.UUID | None = None
    kind: str | None = None
    status: str | None = None


@dataclass(frozen=True)
class PlanningReads:
    """What planning an event's messages reads: each person's contact details (None: not known
    yet) and preferences, and the mark of the appointment the event is about (if any)."""

    people: dict[uuid.UUID, tuple[Contact | None, Preferences]]
    mark: AppointmentMark | None = None


@dataclass(frozen=True)
class Page:
    items: list[Message]
    total: int
    limit: int
    offset: int


class ContactRepository(Protocol):
    async def get(self, user_id: uuid.UUID) -> Contact | None: ...
    async def get_many(self, user_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Contact]: ...
    async def update(self, user_id: uuid.UUID, fields: dict[str, Any]) -> None:
        """Upsert: only the named fields change (events may arrive in any order)."""


class PreferenceRepository(Protocol):
    async def get(self, user_id: uuid.UUID) -> Preferences: ...
    async def get_many(self, user_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Preferences]: ...
    async def put(self, prefs: Preferences) -> None: ...
    async def drop_devices(self, tokens: Sequence[str]) -> None: ...


class PlanningRepository(Protocol):
    async def read(self, user_ids: Sequence[uuid.UUID],
                   appointment_id: uuid.UUID | None = None) -> PlanningReads:
        """The contact details and preferences (defaults for those with none) of each of
        ``user_ids`` (one or more) and, with ``appointment_id``, its mark: one round trip. Read
        after the appointment's lock, so the mark is what the events before this one left."""


class MessageRepository(Protocol):
    async def add(self, messages: Sequence[Message]) -> list[uuid.UUID]:
        """Insert; a (dedup_key, channel) already present is skipped. Returns the new ids."""

    async def lock_recipients(self, keys: Sequence[str]) -> None:
        """Until this transaction ends, whoever plans for any of ``keys`` (a person, an
        address) waits here: the hourly cap's count and insert happen under these locks (all
        taken in one round trip, before the count's: a statement sees what was committed when
        it began)."""

    async def count_recent(self, messages: Sequence[Message], since: datetime) -> list[int]:
        """For each of ``messages``, in order, the messages (distinct dedup keys but its own)
        of its kind and channel, to its recipient or its destination, planned since ``since``,
        that went or may go out (not capped, cancelled or skipped): one round trip."""

    async def cancel_pending(self, subject_id: uuid.UUID, kinds: Collection[str],
                             reason: str) -> int:
        """Pending messages of these kinds about ``subject_id`` -> cancelled, with ``reason``."""

    async def recipient_of(self, subject_id: uuid.UUID) -> uuid.UUID | None: ...

    async def claim_due(self, now: datetime, lease_until: datetime, limit: int,
                        token: uuid.UUID) -> list[Message]:
        """Pending rows due by ``now`` and sending rows whose lease ended, skipping rows other
        senders hold: marked sending until ``lease_until``, attempts + 1; those whose lease had
        ended come back with ``reclaimed`` set."""

    async def provider_ids_taken(self, provider_ids: Collection[str]) -> set[str]:
        """Those of ``provider_ids`` some message of the log was recorded with."""

    async def finish(self, message: Message, token: uuid.UUID) -> bool:
        """Write status, times, provider id and error, only if ``token`` still holds it."""

    async def by_provider_id(self, provider_id: str) -> Message | None: ...
    async def save(self, message: Message) -> None: ...
    async def list(self, where: MessageFilter, limit: int, offset: int) -> Page: ...


class AppointmentMarkRepository(Protocol):
    """Tombstones of closed appointments and the starts they moved away from."""

    async def lock(self, appointment_id: uuid.UUID) -> None:
        """Until this transaction ends, every other event of this appointment waits here."""

    async def get(self, appointment_id: uuid.UUID) -> AppointmentMark: ...
    async def get_many(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, AppointmentMark]: ...
    async def close(self, appointment_id: uuid.UUID, how: str) -> None:
        """Mark it closed (the first closure stays)."""

    async def moved(self, appointment_id: uuid.UUID, old_start: datetime) -> None: ...


class UnitOfWork(PublishingUnitOfWork, Protocol):
    contacts: ContactRepository
    preferences: PreferenceRepository
    planning: PlanningRepository
    messages: MessageRepository
    appointments: AppointmentMarkRepository


class Channel(Protocol):
    """One provider. ``address``: the phone number, the email address or the device tokens."""

    name: str

    async def send(self, address: str | tuple[str, ...], text: Rendered,
                   message: Message) -> Outcome: ...


@runtime_checkable
class Traceable(Protocol):
    """A channel whose provider can be asked what it took (Twilio's Messages list): a message a
    dead sender may have handed over is looked for there before it is sent again."""

    async def sent_since(self, address: str, text: Rendered, since: datetime) -> list[str]:
        """The provider ids of messages with exactly ``text`` to ``address`` that the provider
        took at or after ``since``, oldest first; raises when the provider cannot be asked."""
