"""The unit tests' bus over the fakes in tests/fakes.py, with a FakeClock and seeding helpers."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from hms_platform.testing.clock import FakeClock
from hms_platform.testing.modules import load_beside
from hms_queue.bootstrap import bootstrap
from hms_queue.domain.actor import Actor
from hms_queue.domain.directory import Person
from hms_queue.domain.policy import Policy

NOW = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # Monday, 09:00 in the clinic (Nairobi)
FAKES = load_beside(__file__, "../fakes.py", "hms_queue_test_fakes")
FakeStore, FakeUnitOfWork = FAKES.FakeStore, FAKES.FakeUnitOfWork


def make_world(policy: Policy | None = None, now: datetime = NOW) -> SimpleNamespace:
    store, clock = FakeStore(), FakeClock(now)
    policy = policy or Policy(clinic_tz=ZoneInfo("Africa/Nairobi"))
    bus = bootstrap(lambda: FakeUnitOfWork(store), clock=clock, policy=policy)

    def person(role: str, active: bool = True, room: str | None = None,
               slot_minutes: int | None = None) -> uuid.UUID:
        pid = uuid.uuid4()
        store.people[pid] = Person(pid, role, room, active, slot_minutes)
        return pid

    def names() -> list[str]:
        return [e.name.split(".")[1] for e in store.published]

    def payloads(name: str) -> list[dict[str, object]]:
        return [dict(e.payload) for e in store.published if e.name == f"queue.{name}.v1"]

    desk = Actor(uuid.uuid4(), "receptionist")
    return SimpleNamespace(store=store, clock=clock, policy=policy, bus=bus, person=person,
                           names=names, payloads=payloads, desk=desk,
                           doctor_actor=lambda d: Actor(d, "doctor"),
                           patient_actor=lambda p: Actor(p, "patient"))


@pytest.fixture
def world() -> SimpleNamespace:
    return make_world()


@pytest.fixture
def world_factory() -> object:
    return make_world
