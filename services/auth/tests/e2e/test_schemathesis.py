"""Schemathesis against auth's OpenAPI, with an admin's token: no 5xx, no answer outside the
documented schema. Positive and negative cases, bounded so the run stays well under 40 s.

Sync on purpose: Schemathesis drives the ASGI app from its own event-loop thread, so the app
builds its engine itself (created there on first use) instead of borrowing the test's engine.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
import schemathesis
import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance
from schemathesis.generation import GenerationMode
from schemathesis.python import asgi

from hms_auth import MIGRATIONS
from hms_auth.entrypoints.api.app import create_app
from hms_platform.db import make_engine
from hms_platform.migrations import upgrade

EXAMPLES = 30
TABLES = "users, activation_codes, refresh_families, refresh_tokens, throttle, signing_keys"


async def _fresh_database(url: str) -> None:
    engine = make_engine(url, pool_size=1)
    try:
        await upgrade(engine, MIGRATIONS)
        async with engine.begin() as conn:
            await conn.execute(sa.text("TRUNCATE " + ", ".join(
                f"auth.{t}" for t in (*TABLES.split(", "), "outbox")) + " CASCADE"))
    finally:
        await engine.dispose()


@pytest.fixture
def auth_app(database_url, make_settings) -> Iterator[object]:
    asyncio.run(_fresh_database(database_url))
    app = create_app(make_settings(db_pool_size=2))
    yield app
    asgi.shutdown_lifespans()  # runs the app's shutdown: its engine is disposed


@pytest.fixture
def auth_api_schema(auth_app) -> schemathesis.schemas.BaseSchema:
    return schemathesis.openapi.from_asgi("/api/auth/openapi.json", auth_app)


@pytest.fixture
def admin_headers(auth_app) -> dict[str, str]:
    with asgi.get_client(auth_app) as client:
        response = client.post("/api/auth/token",
                               data={"username": "admin", "password": "admin-password-1"})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _fuzz(operation, mode: GenerationMode, headers: dict[str, str]) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def run(case) -> None:
        case.call_and_validate(headers=headers,
                               checks=[not_a_server_error, response_schema_conformance])

    run()


def _has_input(operation) -> bool:
    definition = operation.definition.raw
    return bool(definition.get("parameters") or definition.get("requestBody"))


def test_no_server_errors_and_no_undocumented_responses(auth_api_schema, admin_headers) -> None:
    # Hypothesis driven directly rather than through schemathesis.pytest, whose lazy loader
    # relies on a pytest node attribute (`_nodeid`) that pytest 9 no longer has.
    failures, ran = [], 0
    for result in auth_api_schema.get_all_operations():
        operation = result.ok()
        for mode in GenerationMode:
            if mode is GenerationMode.NEGATIVE and not _has_input(operation):
                continue  # nothing to get wrong: no parameters, no body
            ran += 1
            try:
                _fuzz(operation, mode, admin_headers)
            except Exception as exc:  # every operation is fuzzed; all failures are reported
                failures.append(f"{operation.label} [{mode.value}]: {exc}")
    assert ran >= 20  # every operation, both modes where there is input
    assert not failures, "\n\n".join(failures)
