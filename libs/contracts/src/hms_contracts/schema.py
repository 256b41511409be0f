"""JSON Schema of every event's whole message: the envelope with that event's payload."""

from __future__ import annotations

from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, create_model
from pydantic.json_schema import DEFAULT_REF_TEMPLATE

from hms_contracts.envelope import Envelope
from hms_contracts.registry import REGISTRY, payload_class

DIALECT = "https://json-schema.org/draft/2020-12/schema"


@cache
def message_model(name: str) -> type[BaseModel]:
    """An Envelope subclass whose name and producer are constants and payload is typed.

    Only used to describe the wire form; producers and consumers keep using Envelope.
    """
    payload = payload_class(name)
    # Built at runtime from the registry, which static typing cannot follow.
    name_type: Any = Literal[name]
    producer_type: Any = Literal[payload.PRODUCER]
    return create_model(
        f"{payload.__name__}Message",
        __base__=Envelope,
        __doc__=f"The message {name}: the event envelope around a {payload.__name__} payload.",
        name=(name_type, ...),
        producer=(producer_type, ...),
        payload=(payload, ...),
    )


def json_schema(name: str, *, ref_template: str = DEFAULT_REF_TEMPLATE) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the whole message for one event name.

    Nested models go under ``$defs``; ``ref_template`` says where refs point (e.g. to an
    AsyncAPI document's components). Raises UnknownEvent for a name not in the catalogue.
    """
    schema = message_model(name).model_json_schema(ref_template=ref_template)
    return {"$schema": DIALECT, **schema}


def all_schemas() -> dict[str, dict[str, Any]]:
    """The JSON Schema of every event's message, by event name, sorted."""
    return {name: json_schema(name) for name in REGISTRY}
