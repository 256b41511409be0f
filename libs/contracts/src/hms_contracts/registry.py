"""Every event of the catalogue, by name, and parsing of envelopes into typed payloads."""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from types import ModuleType

from hms_contracts import appointments, auth, notifications, queue
from hms_contracts.envelope import Envelope, EventPayload

EVENT_MODULES: tuple[ModuleType, ...] = (auth, appointments, queue, notifications)


class UnknownEvent(KeyError):
    """No payload class is registered under this event name."""


def event_classes(module: ModuleType) -> list[type[EventPayload]]:
    """The event classes a module defines: its EventPayload subclasses that set their own NAME."""
    return [
        cls
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, EventPayload)
        and cls.__module__ == module.__name__
        and "NAME" in vars(cls)
    ]


def build_registry(classes: Iterable[type[EventPayload]]) -> dict[str, type[EventPayload]]:
    """Map each class's NAME to it, sorted by name; two classes with one NAME are an error."""
    registry: dict[str, type[EventPayload]] = {}
    for cls in classes:
        other = registry.get(cls.NAME)
        if other is not None:
            raise RuntimeError(f"{cls.__qualname__} and {other.__qualname__} share {cls.NAME!r}")
        registry[cls.NAME] = cls
    return dict(sorted(registry.items()))


REGISTRY: dict[str, type[EventPayload]] = build_registry(
    cls for module in EVENT_MODULES for cls in event_classes(module)
)


def event_names() -> list[str]:
    """All event names (routing keys), sorted."""
    return list(REGISTRY)


def payload_class(name: str) -> type[EventPayload]:
    """The payload class for an event name; raises UnknownEvent if there is none."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise UnknownEvent(name) from None


def parse_payload(envelope: Envelope) -> EventPayload:
    """Validate an envelope's payload with the class for its name.

    Raises UnknownEvent for a name not in the catalogue and pydantic.ValidationError for a
    payload that does not match its class.
    """
    return payload_class(envelope.name).model_validate(envelope.payload)
