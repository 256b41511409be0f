"""Schemathesis against the OpenAPI document, as an admin (the promise: no 5xx, no response
outside its schema or its documented statuses). Bounded so the whole run takes seconds. The
two event streams never end, so they are left out here (test_live.py reads them)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from hms_contracts.auth import UserRegistered
from hms_contracts.envelope import Envelope
from hms_platform.testing.fuzz import as_admin, fuzzable_app, openapi_schema
from hms_queue.bootstrap import build
from hms_queue.config import QueueSettings
from hms_queue.domain.actor import Actor
from hms_queue.entrypoints.api.app import create_app
from hms_queue.entrypoints.consumer import build_consumer
from hms_queue.service_layer import commands as c

schema = openapi_schema("/api/queue/openapi.json", create_app(QueueSettings(environment="test"))
                        ).exclude(path_regex=r".*/stream$")


@pytest.fixture
def real_app(migrated_url, settings, verifier) -> Iterator[FastAPI]:  # type: ignore[no-untyped-def]
    async def seed(engine: AsyncEngine) -> None:  # a doctor's line with one ticket
        consumer, bus = build_consumer(settings, engine), build(settings, engine)
        doctor, patient = uuid.uuid4(), uuid.uuid4()
        for user_id, role in ((doctor, "doctor"), (patient, "patient")):
            await consumer(Envelope.of(UserRegistered(user_id=user_id, role=role,
                                                      full_name=f"{role} one", room="4")))
        await bus.handle(c.IssueTicket(Actor(uuid.uuid4(), "admin"), patient, doctor, 3))

    with fuzzable_app(migrated_url, "queue", seed, lambda engine: create_app(
            settings, engine=engine, token_verifier=verifier)) as app:
        yield app


test_no_server_errors_and_answers_match_the_schema = as_admin(schema)
