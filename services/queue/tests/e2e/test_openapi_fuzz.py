"""Schemathesis against the OpenAPI document, as an admin (QUALITY.md: no 5xx, no response
outside its schema or its documented statuses). Bounded so the whole run takes seconds. The
two event streams never end, so they are left out here (test_live.py reads them)."""

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
from hms_queue.bootstrap import build
from hms_queue.config import QueueSettings
from hms_queue.domain.actor import Actor
from hms_queue.entrypoints.api.app import create_app
from hms_queue.entrypoints.consumer import build_consumer
from hms_queue.service_layer import commands as c

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
schema = schemathesis.openapi.from_asgi(
    "/api/queue/openapi.json", create_app(QueueSettings(environment="test"))
).exclude(path_regex=r".*/stream$")
schema.config.phases.update(phases=["examples", "coverage", "fuzzing"])


@pytest.fixture
def real_app(migrated_url, settings, verifier) -> Iterator[FastAPI]:  # type: ignore[no-untyped-def]
    # Schemathesis drives the app from its own event-loop thread: no pooled connection may
    # outlive a loop, so every request opens its own (NullPool).
    engine = create_async_engine(migrated_url, poolclass=NullPool)

    async def empty() -> None:
        async with engine.begin() as conn:
            await conn.execute(sa.text(
                "TRUNCATE queue.closed_appointments, queue.ticket_history, queue.tickets, "
                "queue.lines, queue.people, queue.outbox, queue.inbox"))

    async def seed() -> None:
        # Something to list, so that successful answers are checked against their schemas too.
        consumer, bus = build_consumer(settings, engine), build(settings, engine)
        doctor, patient = uuid.uuid4(), uuid.uuid4()
        for user_id, role in ((doctor, "doctor"), (patient, "patient")):
            await consumer(Envelope.of(UserRegistered(user_id=user_id, role=role,
                                                      full_name=f"{role} one", room="4")))
        await bus.handle(c.IssueTicket(Actor(uuid.uuid4(), "admin"), patient, doctor, 3))

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
