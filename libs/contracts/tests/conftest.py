"""A factory that builds a valid instance of any event class from its fields' types.

Driven by the annotations, so a new event or field is covered without touching the tests; a
type the factory does not know fails loudly instead of being skipped.
"""

from __future__ import annotations

import types
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import pytest
from pydantic import AwareDatetime
from pydantic.fields import FieldInfo

from hms_contracts import EventPayload

# Not UTC, so a round trip also shows the offset survives.
SAMPLE_TIME = datetime(2025, 3, 14, 9, 26, 53, 589793, tzinfo=timezone(timedelta(hours=2)))


def _flatten(metadata: Sequence[Any]) -> list[Any]:
    flat: list[Any] = []
    for item in metadata:
        flat.extend(item.metadata if isinstance(item, FieldInfo) else [item])
    return flat


def _int_for(metadata: Sequence[Any]) -> int:
    """The lowest int the bounds allow (3 when there is no lower bound)."""
    bounds: dict[str, int] = {}
    for item in metadata:
        for key in ("ge", "gt", "le", "lt"):
            if hasattr(item, key):
                bounds[key] = getattr(item, key)
    low = bounds["ge"] if "ge" in bounds else bounds["gt"] + 1 if "gt" in bounds else 3
    high = bounds["le"] if "le" in bounds else bounds["lt"] - 1 if "lt" in bounds else low
    return min(low, high)


def sample_value(annotation: Any, metadata: Sequence[Any] = ()) -> Any:
    """A valid value for a field's annotation (optional fields get a value too, not None)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *extra = get_args(annotation)
        return sample_value(base, [*metadata, *_flatten(extra)])
    if origin in (Union, types.UnionType):
        present = [arg for arg in get_args(annotation) if arg is not type(None)]
        return sample_value(present[0], metadata)
    if origin is Literal:
        return get_args(annotation)[0]
    if origin is list:
        return [sample_value(get_args(annotation)[0])]
    if annotation is uuid.UUID:
        return uuid.uuid4()
    if annotation in (AwareDatetime, datetime):
        return SAMPLE_TIME
    if annotation is bool:
        return True
    if annotation is int:
        return _int_for(metadata)
    if annotation is str:
        return "x"
    raise TypeError(f"the test factory cannot build {annotation!r}; teach sample_value")


def build_event(cls: type[EventPayload]) -> EventPayload:
    """A valid instance of an event class with every field, optional ones included, set."""
    values = {
        name: sample_value(field.annotation, _flatten(field.metadata))
        for name, field in cls.model_fields.items()
    }
    return cls.model_validate(values)


@pytest.fixture
def make_event() -> Callable[[type[EventPayload]], EventPayload]:
    return build_event
