"""The unit tests' bus over the fakes in tests/fakes.py, with a FakeClock (Monday 2 March
2026, 08:00 in Nairobi) and a patient with a phone, an email and a device."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from hms_notifications.bootstrap import bootstrap
from hms_notifications.domain import model as m
from hms_notifications.domain.delivery import RetryPolicy
from hms_notifications.domain.rules import Rules
from hms_platform.sealing import Sealer
from hms_platform.testing.clock import FakeClock
from hms_platform.testing.modules import load_beside

NAIROBI = ZoneInfo("Africa/Nairobi")
NOW = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)
FAKES = load_beside(__file__, "../fakes.py", "hms_notifications_test_fakes")
KEY = bytes(range(32))


@pytest.fixture
def fake() -> SimpleNamespace:
    store, clock = FakeStore(), FakeClock(NOW)
    channels = {name: FAKES.FakeChannel(name) for name in m.CHANNELS}
    rules = Rules(clinic_tz=NAIROBI)
    sealer = Sealer(KEY)
    # A short lease: a record the database keeps refusing is given up after half of it.
    bus = bootstrap(lambda: FAKES.FakeUnitOfWork(store), clock=clock, rules=rules,
                    channels=channels, policy=RetryPolicy(max_attempts=4), sealer=sealer,
                    rand=lambda: 0.0, lease=timedelta(seconds=2))
    patient = uuid.uuid4()
    store.contacts[patient] = m.Contact(patient, "patient", "Amina W", "+254700000001",
                                        "amina@example.org")
    store.prefs[patient] = m.Preferences(patient, devices=("device-1",))

    def at(hhmm: str, day: int = 2) -> datetime:
        local = datetime(2026, 3, day, *map(int, hhmm.split(":")), tzinfo=NAIROBI)
        return local.astimezone(UTC)

    return SimpleNamespace(store=store, clock=clock, channels=channels, rules=rules, bus=bus,
                           patient=patient, at=at, sealer=sealer,
                           uow=lambda: FAKES.FakeUnitOfWork(store))


FakeStore = FAKES.FakeStore
