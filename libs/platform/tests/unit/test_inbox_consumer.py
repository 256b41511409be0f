"""InboxConsumer: one effect per event, however often it is delivered; poison is dead-lettered."""

import asyncio
import uuid
from typing import Any, cast

import pytest

from hms_contracts.auth import UserRegistered
from hms_contracts.envelope import Envelope
from hms_platform.messaging.bus import PoisonMessage, RetryPolicy
from hms_platform.messaging.inbox import InboxConsumer
from hms_platform.messaging.memory import InMemoryBus

Key = tuple[str, uuid.UUID]


class FakeDatabase:
    """Committed inbox rows and effects. A claim held by an open unit of work blocks a second
    claim of the same key until it commits or rolls back, as the inbox primary key does."""

    def __init__(self) -> None:
        self.claimed: set[Key] = set()
        self.locks: dict[Key, asyncio.Event] = {}
        self.effects: list[uuid.UUID] = []
        self.log: list[str] = []

    def uow(self) -> "FakeUnitOfWork":
        return FakeUnitOfWork(self)


class FakeUnitOfWork:
    def __init__(self, db: FakeDatabase) -> None:
        self.db = db
        self.held: list[Key] = []
        self.staged: list[uuid.UUID] = []

    async def __aenter__(self) -> "FakeUnitOfWork":
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._release()  # rollback: whatever was not committed is gone

    async def claim_inbox(self, consumer: str, envelope: Envelope) -> bool:
        key = (consumer, envelope.event_id)
        while (lock := self.db.locks.get(key)) is not None:
            await lock.wait()
        claimed = key not in self.db.claimed
        if claimed:
            self.db.locks[key] = asyncio.Event()
            self.held.append(key)
        self.db.log.append(f"claim:{claimed}")
        return claimed

    async def commit(self) -> None:
        self.db.claimed.update(self.held)
        self.db.effects.extend(self.staged)
        self.db.log.append("commit")
        self._release()

    def _release(self) -> None:
        for key in self.held:
            self.db.locks.pop(key).set()
        self.held, self.staged = [], []


class Handler:
    """Stages one effect per user; fails the first call for users in ``fail_once``."""

    def __init__(self, db: FakeDatabase, fail_once: set[uuid.UUID] | None = None) -> None:
        self.db, self.fail_once = db, set(fail_once or ())

    async def __call__(self, event: Any, envelope: Envelope, uow: Any) -> None:
        self.db.log.append("handle")
        await asyncio.sleep(0)  # let concurrent deliveries interleave
        if event.user_id in self.fail_once:
            self.fail_once.discard(event.user_id)
            raise ConnectionError("sms provider timed out")
        uow.staged.append(event.user_id)


def registered(user_id: uuid.UUID | None = None) -> Envelope:
    return Envelope.of(UserRegistered(user_id=user_id or uuid.uuid4(), role="patient",
                                      full_name="Jane Doe", phone_number="+254712345678"))


def consumer(db: FakeDatabase, handler: Handler | None = None) -> InboxConsumer:
    return InboxConsumer("notifications.users", cast(Any, db.uow),
                         {UserRegistered.NAME: handler or Handler(db)})


async def test_event_delivered_twice_is_handled_once_and_committed_after_handling() -> None:
    db = FakeDatabase()
    c, envelope = consumer(db), registered()
    await c(envelope)
    await c(envelope)
    assert db.log == ["claim:True", "handle", "commit", "claim:False"]
    assert db.effects == [UserRegistered.model_validate(envelope.payload).user_id]


async def test_unknown_event_is_ignored_without_a_transaction() -> None:
    db = FakeDatabase()
    await consumer(db)(Envelope(name="queue.ticket_called.v1", producer="queue", payload={}))
    assert db.log == []


async def test_invalid_payload_is_poison() -> None:
    db = FakeDatabase()
    bad = Envelope(name=UserRegistered.NAME, producer="auth", payload={"user_id": "not-a-uuid"})
    with pytest.raises(PoisonMessage, match=UserRegistered.NAME):
        await consumer(db)(bad)
    assert db.log == []


async def test_handled_name_missing_from_the_catalogue_is_poison() -> None:
    db = FakeDatabase()
    c = InboxConsumer("x", cast(Any, db.uow), {"auth.no_such_event.v1": Handler(db)})
    with pytest.raises(PoisonMessage):
        await c(Envelope(name="auth.no_such_event.v1", producer="auth", payload={}))
    assert db.log == []


async def test_handler_failure_propagates_without_commit_and_the_retry_has_one_effect() -> None:
    db, envelope = FakeDatabase(), registered()
    user_id = UserRegistered.model_validate(envelope.payload).user_id
    c = consumer(db, Handler(db, fail_once={user_id}))
    with pytest.raises(ConnectionError):
        await c(envelope)
    assert "commit" not in db.log and db.effects == [] and db.claimed == set()
    await c(envelope)  # the bus's retry
    assert db.log == ["claim:True", "handle", "claim:True", "handle", "commit"]
    assert db.effects == [user_id]


def test_routing_keys_are_sorted() -> None:
    db = FakeDatabase()
    names = ["queue.ticket_called.v1", "auth.user_registered.v1", "appointments.booked.v1"]
    c = InboxConsumer("x", cast(Any, db.uow), {n: Handler(db) for n in names})
    assert c.routing_keys == sorted(names)


async def test_every_event_twice_to_two_replicas_has_exactly_one_effect() -> None:
    db = FakeDatabase()
    users = [uuid.uuid4() for _ in range(50)]
    handler = Handler(db, fail_once=set(users[::5]))  # some fail once and are retried
    bus = InMemoryBus(RetryPolicy(delays_ms=(1, 1, 1)), duplicate=True)
    for _ in range(2):  # two replicas of the consumer compete on one queue
        replica = consumer(db, handler)
        await bus.subscribe("notifications.users", replica.routing_keys, replica)
    for user_id in users:
        await bus.publish(registered(user_id))
    await bus.drain()
    assert sorted(db.effects) == sorted(users)
    assert db.log.count("commit") == 50
    # Each event: one delivery committed, the other saw the claim; failures claimed again.
    assert db.log.count("claim:False") == 50
    assert db.log.count("claim:True") == 50 + len(users[::5])
    assert bus.dead_letters["notifications.users"] == []
