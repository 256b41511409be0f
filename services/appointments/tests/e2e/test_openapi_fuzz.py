"""Schemathesis against the OpenAPI document, as an admin (the promise: no 5xx, no response
outside its schema or its documented statuses). Bounded so the whole run takes seconds."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from hms_appointments.bootstrap import build
from hms_appointments.config import AppointmentsSettings
from hms_appointments.domain.actor import Actor
from hms_appointments.domain.schedule import WeeklyHours
from hms_appointments.entrypoints.api.app import create_app
from hms_appointments.entrypoints.consumer import build_consumer
from hms_appointments.service_layer import commands as c
from hms_contracts.auth import UserRegistered
from hms_contracts.envelope import Envelope
from hms_platform.testing.fuzz import as_admin, fuzzable_app, openapi_schema

schema = openapi_schema("/api/appointments/openapi.json",
                        create_app(AppointmentsSettings(environment="test")))


@pytest.fixture
def real_app(migrated_url, settings, verifier) -> Iterator[FastAPI]:  # type: ignore[no-untyped-def]
    async def seed(engine: AsyncEngine) -> None:  # a doctor with hours and one booking
        consumer, bus = build_consumer(settings, engine), build(settings, engine)
        doctor, patient = uuid.uuid4(), uuid.uuid4()
        for user_id, role in ((doctor, "doctor"), (patient, "patient")):
            await consumer(Envelope.of(UserRegistered(user_id=user_id, role=role,
                                                      full_name=f"{role} one", room="4")))
        weekly = tuple(WeeklyHours(d, time(0), time(23, 30)) for d in range(7))
        await bus.handle(c.SetSchedule(Actor(doctor, "doctor"), doctor, 30, weekly))
        start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
        await bus.handle(c.BookAppointment(Actor(patient, "patient"), doctor, start))

    with fuzzable_app(migrated_url, "appointments", seed, lambda engine: create_app(
            settings, engine=engine, token_verifier=verifier)) as app:
        yield app


test_no_server_errors_and_answers_match_the_schema = as_admin(schema)
