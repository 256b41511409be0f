"""Fixtures shared by integration/ and e2e/: a migrated session database, emptied before each
test, and helpers that seed the directory through the real event consumer
(hms_platform.testing.fixtures: what every service's conftest declares alike).

(Test files run in importlib mode and cannot import this module: they get everything here
through fixtures.)"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from hms_contracts.appointments import PatientCheckedIn
from hms_contracts.envelope import Envelope
from hms_platform.testing.fixtures import bus_fixture, service_fixtures, world_fixture
from hms_queue import MIGRATIONS
from hms_queue.adapters.unit_of_work import sql_uow_factory
from hms_queue.bootstrap import bootstrap
from hms_queue.config import QueueSettings
from hms_queue.domain.actor import RECEPTIONIST, Actor
from hms_queue.entrypoints.consumer import build_consumer
from hms_queue.service_layer import commands as c

NOW = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # Monday 09:00 in Nairobi
DAY = date(2026, 3, 2)

migrated_url, db, settings, clock = service_fixtures(
    MIGRATIONS, "queue", QueueSettings, NOW, pool_size=22, clinic_timezone="Africa/Nairobi",
    stream_heartbeat_seconds=0.5, patient_wait_seconds=0)
bus = bus_fixture(lambda db, clock, settings: bootstrap(
    sql_uow_factory(db), clock=clock, policy=settings.policy()))


def _helpers(world: SimpleNamespace) -> dict[str, Any]:
    """``walk_in(doctor)``: a ticket issued at the desk; ``check_in(doctor)``: the event of an
    appointment's arrival, to feed the consumer."""
    desk = Actor(uuid.uuid4(), RECEPTIONIST)

    async def walk_in(doctor: uuid.UUID, urgency: int = 3,
                      patient: uuid.UUID | None = None) -> c.TicketView:
        view: c.TicketView = await world.bus.handle(c.IssueTicket(
            desk, patient or await world.register("patient"), doctor, urgency))
        world.clock.advance(seconds=1)
        return view

    def check_in(doctor: uuid.UUID, urgency: int = 3) -> Envelope:
        return Envelope.of(PatientCheckedIn(
            appointment_id=uuid.uuid4(), patient_id=uuid.uuid4(), doctor_id=doctor,
            urgency=urgency, arrived_at=world.clock.now()))

    return {"walk_in": walk_in, "check_in": check_in, "desk": desk}


world = world_fixture("queue", build_consumer, sql_uow_factory, _helpers)


@pytest.fixture
def random_line() -> Any:
    """``random_line(rng, doctor, now, numbers)``: ticket rows of a line of today's (2 March),
    one a number, random urgencies, a sixth-or-so served or cancelled, queued up to 200
    minutes before ``now`` in 30 s steps: what the SQL order is checked against."""
    def rows(rng: random.Random, doctor: uuid.UUID, now: datetime,
             numbers: range) -> list[dict[str, Any]]:
        return [{"id": uuid.UUID(int=rng.getrandbits(128)), "doctor_id": doctor,
                 "clinic_day": DAY, "letter": "A", "number": n, "patient_id": uuid.uuid4(),
                 "urgency": rng.randint(1, 5), "source": "walk_in",
                 "status": rng.choice(["waiting"] * 6 + ["served", "cancelled"]),
                 "arrived_at": now,
                 "queued_at": now - timedelta(seconds=30 * rng.randint(0, 400))}
                for n in numbers]
    return rows
