"""Schemathesis against the OpenAPI document, as an admin (the promise: no 5xx, no response
outside its schema or its documented statuses). Bounded so the whole run takes seconds."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from hms_platform.testing.fuzz import as_admin, fuzzable_app, openapi_schema
from hms_reporting.config import ReportingSettings
from hms_reporting.entrypoints.api.app import create_app
from hms_reporting.entrypoints.consumer import build_consumer

schema = openapi_schema("/api/reporting/openapi.json",
                        create_app(ReportingSettings(environment="test")))


@pytest.fixture
def real_app(migrated_url, settings, verifier, scenario) -> Iterator[FastAPI]:  # type: ignore[no-untyped-def]
    async def seed(engine: AsyncEngine) -> None:  # something to report on
        consumer = build_consumer(settings, engine)
        for envelope in scenario.envelopes:
            await consumer(envelope)

    with fuzzable_app(migrated_url, "reporting", seed, lambda engine: create_app(
            settings, engine=engine, token_verifier=verifier)) as app:
        yield app


test_no_server_errors_and_answers_match_the_schema = as_admin(schema)
