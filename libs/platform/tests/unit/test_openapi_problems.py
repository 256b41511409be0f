from __future__ import annotations

from fastapi import Body

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
