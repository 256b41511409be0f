"""JSON Schema of every event's message."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from hms_contracts import REGISTRY, Envelope, EventPayload, UnknownEvent
from hms_contracts.schema import all_schemas, json_schema

try:
    import jsonschema
except ImportError:  # not a dependency of the workspace; used when present
    jsonschema = None

NAMES = list(REGISTRY)


def _payload_schema(schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema["properties"]["payload"]["$ref"]
    assert ref.startswith("#/$defs/")
    return schema["$defs"][ref.removeprefix("#/$defs/")]


@pytest.mark.parametrize("name", NAMES)
def test_schema_describes_the_whole_message(name: str) -> None:
    schema = json_schema(name)
    cls = REGISTRY[name]
    assert schema["type"] == "object"
    assert {"name", "producer", "payload"} <= set(schema["required"])
    assert set(schema["properties"]) == set(Envelope.model_fields)
    assert schema["properties"]["name"]["const"] == name
    assert schema["properties"]["producer"]["const"] == cls.PRODUCER
    payload = _payload_schema(schema)
    assert payload["type"] == "object"
    assert set(payload["properties"]) == set(cls.model_fields)
    assert set(payload.get("required", [])) == {
        f for f, info in cls.model_fields.items() if info.is_required()
    }
    assert payload["description"] == (cls.__doc__ or "").strip()
    json.dumps(schema)  # plain JSON, nothing pydantic-specific left in it


@pytest.mark.skipif(jsonschema is None, reason="jsonschema is not installed")
@pytest.mark.parametrize("name", NAMES)
def test_schema_is_valid_and_accepts_a_real_message(
    name: str, make_event: Callable[[type[EventPayload]], EventPayload]
) -> None:
    assert jsonschema is not None
    schema = json_schema(name)
    validator = jsonschema.Draft202012Validator
    validator.check_schema(schema)
    message = json.loads(Envelope.of(make_event(REGISTRY[name])).to_json())
    validator(schema).validate(message)


def test_all_schemas_covers_the_registry_in_order() -> None:
    schemas = all_schemas()
    assert list(schemas) == NAMES
    assert schemas[NAMES[0]] == json_schema(NAMES[0])


def test_schema_of_unknown_name_raises() -> None:
    with pytest.raises(UnknownEvent):
        json_schema("auth.user_teleported.v1")
