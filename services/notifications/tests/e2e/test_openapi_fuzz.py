"""Schemathesis against the OpenAPI document, as a patient and as an admin (QUALITY.md: no 5xx,
no response outside its schema or its documented statuses). Bounded to seconds."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

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

from hms_contracts.auth import UserRegistered
from hms_contracts.envelope import Envelope
from hms_contracts.queue import PatientCalled
from hms_notifications.config import NotificationsSettings
from hms_notifications.entrypoints.api.app import create_app
from hms_notifications.entrypoints.consumer import build_consumer

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
schema = schemathesis.openapi.from_asgi(
    "/api/notifications/openapi.json", create_app(NotificationsSettings(environment="test")))
schema.config.phases.update(phases=["examples", "coverage", "fuzzing"])
PATIENT = uuid.uuid4()


@pytest.fixture
def real_app(migrated_url, api_settings, verifier) -> Iterator[FastAPI]:  # type: ignore[no-untyped-def]
    engine = create_async_engine(migrated_url, poolclass=NullPool)  # one loop per request

    async def seed() -> None:
        async with engine.begin() as conn:
            await conn.execute(sa.text("TRUNCATE notifications.messages, notifications.inbox, "
                                       "notifications.contacts, notifications.outbox"))
        consumer = build_consumer(api_settings, engine)
        await consumer(Envelope.of(UserRegistered(user_id=PATIENT, role="patient",
                                                  full_name="P", phone_number="+254700000009")))
        await consumer(Envelope.of(PatientCalled(
            ticket_id=uuid.uuid4(), number=1, patient_id=PATIENT, doctor_id=uuid.uuid4(),
            room="1", called_at="2026-03-02T06:00:00Z")))

    asyncio.run(seed())
    yield create_app(api_settings, engine=engine, token_verifier=verifier)
    asyncio.run(engine.dispose())


@schema.parametrize()
@settings(max_examples=10, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@pytest.mark.parametrize("role", ["patient", "admin"])
def test_no_server_errors_and_answers_match_the_schema(case, role, real_app, tokens) -> None:  # type: ignore[no-untyped-def]
    user = PATIENT if role == "patient" else uuid.uuid4()
    headers = {"Authorization": f"Bearer {tokens.issue(user, role=role)}"}
    case.call_and_validate(headers=headers, checks=CHECKS, app=real_app)
