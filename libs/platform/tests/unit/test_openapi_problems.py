from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

import sqlalchemy as sa
from fastapi import Body

from hms_platform.idempotency import IdempotencyStore, idempotency_table
from hms_platform.web import PROBLEM_JSON, create_service_app, problems


def test_every_error_response_is_documented_as_problem_json() -> None:
    app = create_service_app("demo", prefix="/api/demo")

    @app.post("/api/demo/things", responses=problems(401, 409, 429))
    async def create(name: str = Body(embed=True)) -> dict[str, str]:
        return {"name": name}

    document = app.openapi()
    responses = document["paths"]["/api/demo/things"]["post"]["responses"]
    for status in ("401", "409", "422", "429"):
        schema = responses[status]["content"][PROBLEM_JSON]["schema"]
        assert schema == {"$ref": "#/components/schemas/Problem"}, status
    assert "application/json" not in responses["422"]["content"]
    assert responses["429"]["headers"]["Retry-After"]["schema"] == {"type": "integer"}
    assert responses["409"]["description"] == "conflict with the current state"
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert set(schemas["Problem"]["required"]) == {"type", "title", "status", "detail"}
    assert "application/json" in responses["200"]["content"]  # successes untouched


def test_with_idempotency_keys_every_write_declares_the_header() -> None:
    store = IdempotencyStore(cast(Any, None), idempotency_table(sa.MetaData(), "demo"),
                             timedelta(hours=24))
    app = create_service_app("demo", prefix="/api/demo", idempotency=store)

    @app.post("/api/demo/things")
    async def create(name: str = Body(embed=True)) -> dict[str, str]:
        return {"name": name}

    @app.get("/api/demo/things")
    async def read() -> list[str]:
        return []

    paths = app.openapi()["paths"]["/api/demo/things"]
    header = [p for p in paths["post"]["parameters"] if p["name"] == "Idempotency-Key"]
    assert header and header[0]["in"] == "header" and header[0]["required"] is False
    for status in ("400", "409", "422"):  # a bad key, one still running, one reused
        assert PROBLEM_JSON in paths["post"]["responses"][status]["content"]
    assert not [p for p in paths["get"].get("parameters", []) if p["name"] == "Idempotency-Key"]
    plain = create_service_app("demo", prefix="/api/demo")

    @plain.post("/api/demo/things")
    async def create_plain() -> dict[str, str]:
        return {}

    assert "parameters" not in plain.openapi()["paths"]["/api/demo/things"]["post"]
