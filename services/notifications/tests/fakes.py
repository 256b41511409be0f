"""In-memory fakes of the ports for the unit tests (loaded by unit/conftest.py: in importlib
mode tests cannot import this module by name). The message store emulates UNIQUE (dedup_key,
channel) and the lease of the SQL claim."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from hms_contracts.envelope import Envelope
from hms_notifications.adapters.contracts import CONTRACTS
from hms_notifications.domain import model as m
from hms_notifications.domain.delivery import Outcome, Sent
from hms_notifications.domain.templates import Rendered
from hms_notifications.service_layer import ports
from hms_notifications.service_layer.ports import MessageFilter, Page
from hms_platform.testing.fakes import FakeUnitOfWork as BaseFakeUnitOfWork


class FakeStore:
    def __init__(self) -> None:
        self.contacts: dict[uuid.UUID, m.Contact] = {}
        self.prefs: dict[uuid.UUID, m.Preferences] = {}
        self.messages: dict[uuid.UUID, m.Message] = {}
        self.claims: dict[uuid.UUID, tuple[uuid.UUID, datetime]] = {}
        self.published: list[Envelope] = []
        self.marks: dict[uuid.UUID, m.AppointmentMark] = {}
        self.locked: list[str] = []  # advisory locks taken, in order

    def of(self, channel: str | None = None, kind: str | None = None) -> list[m.Message]:
        return sorted((x for x in self.messages.values()
                       if (channel is None or x.channel == channel)
                       and (kind is None or x.kind == kind)), key=lambda x: x.due_at)


class FakeContacts:
    def __init__(self, store: FakeStore) -> None:
        self.store = store

    async def get(self, user_id: uuid.UUID) -> m.Contact | None:
        return self.store.contacts.get(user_id)

    async def get_many(self, user_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, m.Contact]:
        return {u: self.store.contacts[u] for u in user_ids if u in self.store.contacts}

    async def update(self, user_id: uuid.UUID, fields: dict[str, Any]) -> None:
        current = self.store.contacts.get(user_id) or m.Contact(user_id)
        self.store.contacts[user_id] = dataclasses.replace(current, **fields)


class FakePreferences:
    def __init__(self, store: FakeStore) -> None:
        self.store = store

    async def get(self, user_id: uuid.UUID) -> m.Preferences:
        return self.store.prefs.get(user_id) or m.Preferences(user_id)

    async def get_many(self, user_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, m.Preferences]:
        return {u: await self.get(u) for u in user_ids}

    async def put(self, prefs: m.Preferences) -> None:
        self.store.prefs[prefs.user_id] = prefs

    async def drop_devices(self, tokens: Sequence[str]) -> None:
        for uid, p in list(self.store.prefs.items()):
            kept = tuple(t for t in p.devices if t not in tokens)
            self.store.prefs[uid] = dataclasses.replace(p, devices=kept)


class FakePlanning:
    def __init__(self, store: FakeStore) -> None:
        self.store = store

    async def read(self, user_ids: Sequence[uuid.UUID],
                   appointment_id: uuid.UUID | None = None) -> ports.PlanningReads:
        people = {u: (self.store.contacts.get(u),
                      self.store.prefs.get(u) or m.Preferences(u)) for u in user_ids}
        mark = None if appointment_id is None else (
            self.store.marks.get(appointment_id) or m.AppointmentMark(appointment_id))
        return ports.PlanningReads(people, mark)


class FakeMessages:
    def __init__(self, store: FakeStore) -> None:
        self.store = store

    async def add(self, items: Sequence[m.Message]) -> list[uuid.UUID]:
        taken = {(x.dedup_key, x.channel) for x in self.store.messages.values()}
        new = [x for x in items if (x.dedup_key, x.channel) not in taken]
        for x in new:
            self.store.messages[x.id] = dataclasses.replace(x)
        return [x.id for x in new]

    async def lock_recipients(self, keys: Sequence[str]) -> None:
        self.store.locked.extend(sorted(set(keys)))

    async def count_recent(self, items: Sequence[m.Message], since: datetime) -> list[int]:
        return [len({x.dedup_key for x in self.store.messages.values()
                     if (x.recipient_id == message.recipient_id
                         or (message.destination and x.destination == message.destination))
                     and (x.kind, x.channel) == (message.kind, message.channel)
                     and x.created_at >= since and x.dedup_key != message.dedup_key
                     and x.status not in (m.CAPPED, m.CANCELLED, m.SKIPPED)})
                for message in items]

    async def cancel_pending(self, subject_id: uuid.UUID, kinds: Collection[str],
                             reason: str) -> int:
        hit = [x for x in self.store.messages.values()
               if x.subject_id == subject_id and x.kind in kinds and x.status == m.PENDING]
        for x in hit:
            x.status, x.last_error = m.CANCELLED, reason
        return len(hit)

    async def recipient_of(self, subject_id: uuid.UUID) -> uuid.UUID | None:
        return next((x.recipient_id for x in self.store.messages.values()
                     if x.subject_id == subject_id), None)

    async def claim_due(self, now: datetime, lease_until: datetime, limit: int,
                        token: uuid.UUID) -> list[m.Message]:
        due = [x for x in self.store.of()
               if (x.status == m.PENDING and x.due_at <= now)
               or (x.status == m.SENDING and self.store.claims[x.id][1] <= now)][:limit]
        claimed = []
        for x in due:
            claimed.append(dataclasses.replace(x, status=m.SENDING, attempts=x.attempts + 1,
                                               reclaimed=x.status == m.SENDING))
            x.status, x.attempts = m.SENDING, x.attempts + 1
            self.store.claims[x.id] = (token, lease_until)
        return claimed

    async def provider_ids_taken(self, provider_ids: Collection[str]) -> set[str]:
        return {x.provider_id for x in self.store.messages.values()
                if x.provider_id is not None and x.provider_id in provider_ids}

    async def finish(self, message: m.Message, token: uuid.UUID) -> bool:
        row = self.store.messages[message.id]
        if row.status != m.SENDING or self.store.claims.get(message.id, (None,))[0] != token:
            return False
        self.store.messages[message.id] = dataclasses.replace(message, reclaimed=False)
        return True

    async def by_provider_id(self, provider_id: str) -> m.Message | None:
        return next((dataclasses.replace(x) for x in self.store.messages.values()
                     if x.provider_id == provider_id), None)

    async def save(self, message: m.Message) -> None:
        self.store.messages[message.id] = dataclasses.replace(message)

    async def list(self, where: MessageFilter, limit: int, offset: int) -> Page:
        rows = [x for x in self.store.messages.values()
                if all(getattr(where, n) in (None, getattr(x, n))
                       for n in ("recipient_id", "kind", "status"))]
        return Page(rows[offset:offset + limit], len(rows), limit, offset)


class FakeAppointmentMarks:
    def __init__(self, store: FakeStore) -> None:
        self.store = store

    async def lock(self, appointment_id: uuid.UUID) -> None:
        self.store.locked.append(f"appointment:{appointment_id}")

    async def get(self, appointment_id: uuid.UUID) -> m.AppointmentMark:
        return self.store.marks.get(appointment_id) or m.AppointmentMark(appointment_id)

    async def get_many(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, m.AppointmentMark]:
        return {i: self.store.marks[i] for i in ids if i in self.store.marks}

    async def close(self, appointment_id: uuid.UUID, how: str) -> None:
        mark = await self.get(appointment_id)
        self.store.marks[appointment_id] = dataclasses.replace(mark, closed=mark.closed or how)

    async def moved(self, appointment_id: uuid.UUID, old_start: datetime) -> None:
        mark = await self.get(appointment_id)
        self.store.marks[appointment_id] = dataclasses.replace(
            mark, moved_from=mark.moved_from | {old_start})


class FakeUnitOfWork(BaseFakeUnitOfWork):
    """Its repositories write to the store at once: nothing to put back."""

    def __init__(self, store: FakeStore) -> None:
        super().__init__(store, CONTRACTS)
        # Typed as the ports (protocol attributes are invariant): each line checks its fake.
        self.contacts: ports.ContactRepository = FakeContacts(store)
        self.preferences: ports.PreferenceRepository = FakePreferences(store)
        self.planning: ports.PlanningRepository = FakePlanning(store)
        self.messages: ports.MessageRepository = FakeMessages(store)
        self.appointments: ports.AppointmentMarkRepository = FakeAppointmentMarks(store)


class FakeChannel:
    """Answers with the scripted outcomes in turn (then Sent), recording what it was given."""

    def __init__(self, name: str, *outcomes: Outcome) -> None:
        self.name = name
        self.script = list(outcomes)
        self.sent: list[tuple[str | tuple[str, ...], Rendered, m.Message]] = []

    async def send(self, address: str | tuple[str, ...], text: Rendered,
                   message: m.Message) -> Outcome:
        self.sent.append((address, text, message))
        if self.script:
            return self.script.pop(0)
        return Sent(f"{self.name}-{len(self.sent)}")


class FakeTwilio(FakeChannel):
    """An SMS channel that can be asked what it took (as Twilio's Messages list): every message
    it was given counts as taken at its ``clock``'s time; ``lookup_fails`` makes the asking
    raise. Records each lookup's (address, body, since)."""

    def __init__(self, clock: Any, *outcomes: Outcome) -> None:
        super().__init__("sms", *outcomes)
        self.clock = clock
        self.taken: list[tuple[str, str, datetime, str]] = []  # address, body, at, sid
        self.lookups: list[tuple[str, str, datetime]] = []
        self.lookup_fails = False

    async def send(self, address: str | tuple[str, ...], text: Rendered,
                   message: m.Message) -> Outcome:
        outcome = await super().send(address, text, message)
        if isinstance(outcome, Sent):
            self.taken.append((str(address), text.body, self.clock.now(), outcome.provider_id))
        return outcome

    async def sent_since(self, address: str, text: Rendered, since: datetime) -> list[str]:
        self.lookups.append((address, text.body, since))
        if self.lookup_fails:
            raise ConnectionError("twilio unreachable")
        return [sid for to, body, at, sid in sorted(self.taken, key=lambda t: t[2])
                if (to, body) == (address, text.body) and at >= since]


if TYPE_CHECKING:  # `make lint` type-checks this: a fake that drifts from its port fails here.
    def _fits_the_ports(store: FakeStore) -> None:
        _uow: ports.UnitOfWork = FakeUnitOfWork(store)
        _channel: ports.Channel = FakeChannel("sms")
        _traced: ports.Traceable = FakeTwilio(None)
