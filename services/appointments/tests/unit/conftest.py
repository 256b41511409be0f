"""The unit tests' bus over the fakes in tests/fakes.py, with a FakeClock and seeding helpers."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time
from types import SimpleNamespace
from typing import TypeVar
from zoneinfo import ZoneInfo

import pytest

from hms_appointments.bootstrap import bootstrap
from hms_appointments.domain.directory import Person
from hms_appointments.domain.rules import Rules
from hms_appointments.domain.schedule import Schedule, WeeklyHours
from hms_platform.testing.clock import FakeClock
from hms_platform.testing.modules import load_beside

T = TypeVar("T")
NAIROBI = ZoneInfo("Africa/Nairobi")
NOW = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)  # Monday, 08:00 in the clinic
FAKES = load_beside(__file__, "../fakes.py", "hms_appointments_test_fakes")
FakeStore, FakeUnitOfWork = FAKES.FakeStore, FAKES.FakeUnitOfWork


@pytest.fixture
def fake() -> SimpleNamespace:
    """A bus over fakes, its FakeClock (Monday 08:00 in Nairobi) and seeding helpers."""
    store, clock = FakeStore(), FakeClock(NOW)
    rules = Rules(clinic_tz=NAIROBI)
    bus = bootstrap(lambda: FakeUnitOfWork(store), clock=clock, rules=rules)

    def person(role: str, active: bool = True) -> uuid.UUID:
        pid = uuid.uuid4()
        store.people[pid] = Person(pid, role, f"{role} {str(pid)[:4]}", "General", "1", active)
        return pid

    def doctor(active: bool = True, hours: tuple[str, str] = ("09:00", "17:00")) -> uuid.UUID:
        doctor_id = person("doctor", active)
        weekly = tuple(WeeklyHours(d, time.fromisoformat(hours[0]), time.fromisoformat(hours[1]))
                       for d in range(7))
        store.schedules[doctor_id] = Schedule(doctor_id, 30, weekly)
        return doctor_id

    def at(hhmm: str, day: int = 2) -> datetime:
        local = datetime(2026, 3, day, *map(int, hhmm.split(":")), tzinfo=NAIROBI)
        return local.astimezone(UTC)

    def names() -> list[str]:
        return [e.name.split(".")[1] for e in store.published]

    return SimpleNamespace(store=store, clock=clock, rules=rules, bus=bus, person=person,
                           doctor=doctor, at=at, names=names,
                           uow=lambda: FakeUnitOfWork(store))
