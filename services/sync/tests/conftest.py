"""Fixtures shared by integration/ and e2e/: a migrated session database, emptied before each
test, and a producer of events through the real inbox consumer.

(Test files run in importlib mode and cannot import this module: they get everything here
through fixtures.)"""

from __future__ import annotations

from datetime import UTC, datetime

from hms_platform.testing.fixtures import bus_fixture, producer_fixture, service_fixtures
from hms_sync import MIGRATIONS
from hms_sync.bootstrap import build
from hms_sync.config import SyncSettings
from hms_sync.entrypoints.consumer import build_consumer

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # Monday 12:00 in Nairobi

migrated_url, db, settings, clock = service_fixtures(
    MIGRATIONS, "sync", SyncSettings, NOW, clinic_timezone="Africa/Nairobi")
bus = bus_fixture(lambda db, clock, settings: build(settings, db))


producer = producer_fixture(build_consumer, NOW)
