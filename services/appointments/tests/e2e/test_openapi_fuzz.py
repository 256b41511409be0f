"""Schemathesis against the OpenAPI document, as an admin (QUALITY.md: no 5xx, no response
outside its schema or its documented statuses). Bounded so the whole run takes seconds."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

import pytest
import schemathesis
import sqlalchemy as sa
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from hms_appointments.bootstrap import build
from hms_appointments.config import AppointmentsSettings
from hms_appointments.domain.actor import Actor
from hms_appointments.domain.schedule import WeeklyHours
from hms_appointments.entrypoints.api.app import create_app
from hms_appointments.entrypoints.consumer import build_consumer
from hms_appointments.service_layer import commands as c
from hms_contracts.auth import UserRegistered
from hms_contracts.envelope import Envelope

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
# The document is the same whatever the database: read it from an app that never connects, so
# each operation becomes its own test; the calls go to the real app (``app=`` below).
schema = schemathesis.openapi.from_asgi(
    "/api/appointments/openapi.json", create_app(AppointmentsSettings(environment="test")))
schema.config.phases.update(phases=["examples", "coverage", "fuzzing"])


@pytest.fixture
def real_app(migrated_url, settings, verifier) -> Iterator[FastAPI]:  # type: ignore[no-untyped-def]
    # Schemathesis drives the app from its own event-loop thread: no pooled connection may
    # outlive a loop, so every request opens its own (NullPool).
    engine = create_async_engine(migrated_url, poolclass=NullPool)

    async def empty() -> None:
        async with engine.begin() as conn:
            await conn.execute(sa.text(
                "TRUNCATE appointments.penalties, appointments.appointments, "
                "appointments.schedules, appointments.people, appointments.outbox"))

    async def seed() -> None:
        # Something to list, so that successful answers are checked against their schemas too.
        consumer, bus = build_consumer(settings, engine), build(settings, engine)
        doctor, patient = uuid.uuid4(), uuid.uuid4()
        for user_id, role in ((doctor, "doctor"), (patient, "patient")):
            await consumer(Envelope.of(UserRegistered(user_id=user_id, role=role,
                                                      full_name=f"{role} one", room="4")))
        weekly = tuple(WeeklyHours(d, time(0), time(23, 30)) for d in range(7))
        await bus.handle(c.SetSchedule(Actor(doctor, "doctor"), doctor, 30, weekly))
        start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
        await bus.handle(c.BookAppointment(Actor(patient, "patient"), doctor, start))

    asyncio.run(empty())
    asyncio.run(seed())
    yield create_app(settings, engine=engine, token_verifier=verifier)
    asyncio.run(engine.dispose())


@schema.parametrize()
@settings(max_examples=10, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_server_errors_and_answers_match_the_schema(case, real_app, tokens) -> None:  # type: ignore[no-untyped-def]
    admin = {"Authorization": f"Bearer {tokens.issue(role='admin')}"}
    case.call_and_validate(headers=admin, checks=CHECKS, app=real_app)
