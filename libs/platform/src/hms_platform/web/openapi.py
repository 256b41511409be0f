"""Every error response in a service's OpenAPI documented as application/problem+json.

FastAPI documents errors as application/json with its own validation schema; the platform
answers problem+json (RFC 9457). Rewriting the document keeps it true, which Schemathesis'
response_schema_conformance check holds every service to.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, ConfigDict

from hms_platform.web.problems import PROBLEM_JSON

_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_WHY = {400: "the body cannot be parsed", 401: "missing or invalid access token",
        403: "role or ownership refusal", 404: "not found (or not yours to see)",
        409: "conflict with the current state", 422: "invalid input",
        429: "too many attempts; see Retry-After"}


class Problem(BaseModel):
    """RFC 9457 problem details; extension members (errors, current_status, ...) may follow."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route: the error statuses it can answer with."""
    return {s: {"description": _WHY.get(s, HTTPStatus(s).phrase)} for s in statuses}


def install_problem_openapi(app: FastAPI) -> None:
    """Make ``app.openapi()`` declare every 4xx/5xx response as problem+json."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _problem_json(get_openapi(
                title=app.title, version=app.version, routes=app.routes))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _problem_json(document: dict[str, Any]) -> dict[str, Any]:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    for path in document.get("paths", {}).values():
        for operation in path.values():
            for status, response in operation.get("responses", {}).items():
                if str(status)[0] in "45":
                    response["content"] = {PROBLEM_JSON: {"schema": _PROBLEM_REF}}
                if str(status) == "429":
                    response["headers"] = {"Retry-After": {
                        "description": "Seconds to wait.", "schema": {"type": "integer"}}}
    return document
