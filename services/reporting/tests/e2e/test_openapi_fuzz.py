"""Schemathesis against the OpenAPI document, as an admin (QUALITY.md: no 5xx, no response
outside its schema or its documented statuses). Bounded so the whole run takes seconds."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from hms_reporting.bootstrap import build_consumer
from hms_reporting.config import ReportingSettings
from hms_reporting.entrypoints.api.app import create_app

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
schema = schemathesis.openapi.from_asgi(
    "/api/reporting/openapi.json", create_app(ReportingSettings(environment="test")))
schema.config.phases.update(phases=["examples", "coverage", "fuzzing"])


@pytest.fixture
def real_app(migrated_url, settings, verifier, scenario) -> Iterator[FastAPI]:  # type: ignore[no-untyped-def]
    # Schemathesis drives the app from its own event-loop thread: no pooled connection may
    # outlive a loop, so every request opens its own (NullPool).
    engine = create_async_engine(migrated_url, poolclass=NullPool)

    async def seed() -> None:  # something to report, so successful answers are checked too
        consumer = build_consumer(settings, engine)
        for envelope in scenario.envelopes:
            await consumer(envelope)

    asyncio.run(seed())
    yield create_app(settings, engine=engine, token_verifier=verifier)
    asyncio.run(engine.dispose())


@schema.parametrize()
@settings(max_examples=10, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_server_errors_and_answers_match_the_schema(case, real_app, tokens) -> None:  # type: ignore[no-untyped-def]
    admin = {"Authorization": f"Bearer {tokens.issue(role='admin')}"}
    case.call_and_validate(headers=admin, checks=CHECKS, app=real_app)
