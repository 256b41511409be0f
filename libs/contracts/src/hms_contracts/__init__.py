"""HMS integration events: the envelope, one module of payload models per producing service,
the registry that maps event names to models, and their JSON Schema / AsyncAPI description."""

from hms_contracts import appointments, auth, notifications, queue
from hms_contracts.envelope import Envelope, EventPayload
from hms_contracts.registry import (
    REGISTRY,
    UnknownEvent,
    event_names,
    parse_payload,
    payload_class,
)

__all__ = [
    "REGISTRY",
    "Envelope",
    "EventPayload",
    "UnknownEvent",
    "appointments",
    "auth",
    "event_names",
    "notifications",
    "parse_payload",
    "payload_class",
    "queue",
]
