"""Schemathesis over a service's OpenAPI document, against the real app on the real database:
no 5xx, no answer outside its schema or its documented statuses. Bounded so that a service's
whole run takes seconds.

    schema = openapi_schema("/api/x/openapi.json", create_app(XSettings(environment="test")))

    @pytest.fixture
    def real_app(migrated_url, settings, verifier):
        with fuzzable_app(migrated_url, "x", seed, lambda engine: create_app(...)) as app:
            yield app

    test_no_server_errors = as_admin(schema)  # or a test of its own, calling check()
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from hms_platform.testing.database import empty
from hms_platform.testing.tokens import TokenFactory

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
Seed = Callable[[AsyncEngine], Coroutine[Any, Any, None]]
BOUNDED = settings(max_examples=10, deadline=None, database=None,
                   suppress_health_check=list(HealthCheck))


def openapi_schema(path: str, app: FastAPI) -> Any:
    """The document, read from an app that never connects (it is the same whatever the
    database), so that each operation becomes its own test; every phase on."""
    schema = schemathesis.openapi.from_asgi(path, app)
    schema.config.phases.update(phases=["examples", "coverage", "fuzzing"])
    return schema


@contextlib.contextmanager
def fuzzable_app(database_url: str, schema: str, seed: Seed,
                 make_app: Callable[[AsyncEngine], FastAPI]) -> Iterator[FastAPI]:
    """The service's app on ``schema`` emptied, then seeded with something to answer about,
    so that successful answers are checked against their schemas too. Schemathesis drives the
    app from an event loop of its own: no pooled connection may outlive a loop, so every
    request opens its own (NullPool)."""
    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        asyncio.run(empty(engine, schema))
        asyncio.run(seed(engine))
        yield make_app(engine)
    finally:
        asyncio.run(engine.dispose())


def check(case: Any, app: FastAPI, token: str) -> None:
    """One generated call, with that bearer token, through every check."""
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS, app=app)


def as_admin(schema: Any) -> Callable[..., None]:
    """The test most services run (bind it to a ``test_`` name in the test module): every
    generated call, as an admin, through every check, against the module's ``real_app``."""

    @schema.parametrize()
    @BOUNDED
    def test(case: Any, real_app: FastAPI, tokens: TokenFactory) -> None:
        check(case, real_app, tokens.issue(role="admin"))

    return test
