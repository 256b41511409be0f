"""The OpenAPI document: every error response declared as application/problem+json.

FastAPI documents errors as application/json with its own validation schema; the platform
answers problem+json (RFC 9457). Rewriting them here keeps the document true, which
Schemathesis' response_schema_conformance check holds us to.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from hms_auth.entrypoints.api.schemas import Problem
from hms_platform.web import PROBLEM_JSON

_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: the error statuses it can answer with."""
    return {status: {"description": HTTPStatus(status).phrase} for status in statuses}


def install_openapi(app: FastAPI) -> None:
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
                if str(status).startswith("4"):
                    response["content"] = {PROBLEM_JSON: {"schema": _PROBLEM_REF}}
                    if str(status) == "429":
                        response["headers"] = {"Retry-After": {
                            "description": "Seconds to wait.", "schema": {"type": "integer"}}}
    return document
