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


_WRITES = ("post", "put", "patch", "delete")
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "description": "Makes the write safe to retry: a replay with the same key answers the first "
                   "success again (Idempotent-Replayed: true) and changes nothing; another "
                   "request under the key is 422, the same key while the first is running 409. "
                   "Kept 24 hours.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
}
_KEYED = {400: "invalid Idempotency-Key", 409: "the same Idempotency-Key is still running",
          422: "the Idempotency-Key was used with another request"}


def install_problem_openapi(app: FastAPI, *, idempotency_key: bool = False) -> None:
    """Make ``app.openapi()`` declare every 4xx/5xx response as problem+json, and with
    ``idempotency_key`` the ``Idempotency-Key`` header on every write
    (hms_platform.web.idempotency)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(title=app.title, version=app.version, routes=app.routes)
            if idempotency_key:
                _keyed_writes(document)
            app.openapi_schema = _problem_json(document)
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


def _keyed_writes(document: dict[str, Any]) -> None:
    for path in document.get("paths", {}).values():
        for method, operation in path.items():
            if method in _WRITES:
                operation.setdefault("parameters", []).append(dict(IDEMPOTENCY_KEY))
                responses = operation.setdefault("responses", {})
                for status, why in _KEYED.items():
                    responses.setdefault(str(status), {"description": why})
