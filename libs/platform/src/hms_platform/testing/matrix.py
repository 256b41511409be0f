"""What every service's role-matrix test checks the same way: the callers it tries each route
with, the kind of body every answer has, and the routes the matrix must cover."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from typing import Any

import httpx

# A service's e2e cast (TokenFactory.headers), in the order of the matrix's columns: patient A
# owns what is acted on, doctor D is A's doctor; the others may not reach it.
CALLERS = ("anonymous", "patient", "other_patient", "doctor", "other_doctor", "receptionist",
           "admin")
PROBES = ("healthz", "readyz", "metrics")


def assert_json_or_problem(response: httpx.Response) -> None:
    """A success answers with JSON and a refusal with a problem document; 204 has no body."""
    if response.status_code != 204:
        assert response.headers["content-type"].startswith(
            "application/json" if response.status_code < 400 else "application/problem+json")


async def answers(ask: Callable[[int, str], Awaitable[httpx.Response]]) -> dict[str, int]:
    """One row's statuses by caller: ``ask(i, who)`` makes the i-th caller's request (each
    answer's body is checked on the way)."""
    statuses = {}
    for i, who in enumerate(CALLERS):
        response = await ask(i, who)
        assert_json_or_problem(response)
        statuses[who] = response.status_code
    return statuses


def expected(matrix: dict[str, tuple[int, ...]], route: str) -> dict[str, int]:
    """The matrix's row for ``route`` by caller."""
    return dict(zip(CALLERS, matrix[route], strict=True))


def app_routes(app: Any, skipped: Collection[str] = ()) -> set[tuple[str, str]]:
    """(METHOD, path) of every operation in the app's OpenAPI document but its probes and the
    paths ``skipped`` (covered elsewhere)."""
    return {(method.upper(), path) for path, item in app.openapi()["paths"].items()
            for method in item if not path.endswith(PROBES) and path not in skipped}
