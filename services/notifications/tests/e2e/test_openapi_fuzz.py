"""Schemathesis against the OpenAPI document, as a patient and as an admin (the promise: no 5xx,
no response outside its schema or its documented statuses). Bounded to seconds."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from hms_contracts.auth import UserRegistered
from hms_contracts.envelope import Envelope
from hms_contracts.queue import PatientCalled
from hms_notifications.config import NotificationsSettings
from hms_notifications.entrypoints.api.app import create_app
from hms_notifications.entrypoints.consumer import build_consumer
from hms_platform.testing.fuzz import BOUNDED, check, fuzzable_app, openapi_schema

schema = openapi_schema("/api/notifications/openapi.json",
                        create_app(NotificationsSettings(environment="test")))
PATIENT = uuid.uuid4()


@pytest.fixture
def real_app(migrated_url, api_settings, verifier) -> Iterator[FastAPI]:  # type: ignore[no-untyped-def]
    async def seed(engine: AsyncEngine) -> None:  # a patient with a message in the log
        consumer = build_consumer(api_settings, engine)
        await consumer(Envelope.of(UserRegistered(user_id=PATIENT, role="patient",
                                                  full_name="P", phone_number="+254700000009")))
        await consumer(Envelope.of(PatientCalled(
            ticket_id=uuid.uuid4(), number=1, patient_id=PATIENT, doctor_id=uuid.uuid4(),
            room="1", called_at="2026-03-02T06:00:00Z")))

    with fuzzable_app(migrated_url, "notifications", seed, lambda engine: create_app(
            api_settings, engine=engine, token_verifier=verifier)) as app:
        yield app


@schema.parametrize()
@BOUNDED
@pytest.mark.parametrize("role", ["patient", "admin"])
def test_no_server_errors_and_answers_match_the_schema(case, role, real_app, tokens) -> None:  # type: ignore[no-untyped-def]
    check(case, real_app, tokens.issue(PATIENT if role == "patient" else uuid.uuid4(), role=role))
