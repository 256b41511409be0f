"""Schemathesis against the OpenAPI document, as an admin (the promise: no 5xx, no response
outside its schema or its documented statuses), the owners behind push scripted. Bounded so
the whole run takes seconds."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from hms_contracts import queue as q
from hms_contracts.envelope import Envelope
from hms_platform.testing.fuzz import as_admin, fuzzable_app, openapi_schema
from hms_sync.bootstrap import owners
from hms_sync.config import SyncSettings
from hms_sync.entrypoints.api.app import create_app
from hms_sync.entrypoints.consumer import build_consumer

schema = openapi_schema("/api/sync/openapi.json", create_app(SyncSettings(environment="test")))


def owner(request: httpx.Request) -> httpx.Response:
    """Any owner: refuses what it cannot read, applies the rest."""
    if request.method == "GET":
        return httpx.Response(200, json={"channels": ["sms"], "quiet_hours": None,
                                         "devices": []})
    return httpx.Response(404, json={"type": "about:blank", "title": "Not Found",
                                     "status": 404, "detail": "No such record."})


@pytest.fixture
def real_app(migrated_url, settings, verifier) -> Iterator[FastAPI]:  # type: ignore[no-untyped-def]
    async def seed(engine: AsyncEngine) -> None:  # a line today, for the admin's pull
        await build_consumer(settings, engine)(Envelope.of(q.TicketIssued(
            ticket_id=uuid.uuid4(), number=1, patient_id=uuid.uuid4(), doctor_id=uuid.uuid4(),
            urgency=3, source="walk_in", position=1, eta_minutes=0)))

    with fuzzable_app(migrated_url, "sync", seed, lambda engine: create_app(
            settings, engine=engine, token_verifier=verifier,
            owners=owners(settings, httpx.MockTransport(owner)))) as app:
        yield app


test_no_server_errors_and_answers_match_the_schema = as_admin(schema)
