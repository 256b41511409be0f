"""Every event of the catalogue: naming, round trip through the envelope, validation rules."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import AwareDatetime, ValidationError

from hms_contracts import REGISTRY, Envelope, EventPayload, parse_payload
from hms_contracts.registry import EVENT_MODULES, event_classes

MakeEvent = Callable[[type[EventPayload]], EventPayload]
CLASSES = list(REGISTRY.values())
NAME_RE = re.compile(r"^[a-z]+\.[a-z_]+\.v\d+$")
CLINICAL_WORDS = ("diagnos", "treatment", "note", "symptom", "complaint", "prescription")

# The events (docs/asyncapi.yaml); dropping or renaming an event must be a deliberate change.
CATALOGUE = {
    "auth": "user_registered user_updated user_deactivated login_succeeded login_failed "
    "login_throttled refresh_token_reuse_detected sessions_revoked password_reset_issued "
    "activation_code_issued signing_key_rotated",
    "appointments": "schedule_changed appointment_booked appointment_rescheduled "
    "appointment_cancelled patient_checked_in appointment_completed appointment_no_show "
    "no_show_penalty_applied penalty_waived clinical_record_read",
    "queue": "ticket_issued turn_approaching patient_called patient_served ticket_missed "
    "ticket_cancelled ticket_changed",
    "notifications": "notification_sent notification_failed",
}


def _by_name(cls: type[EventPayload]) -> str:
    return cls.NAME


def _fields(predicate: Callable[[str, Any], bool]) -> list[Any]:
    return [
        pytest.param(cls, field_name, id=f"{cls.NAME}-{field_name}")
        for cls in CLASSES
        for field_name, field in cls.model_fields.items()
        if predicate(field_name, field)
    ]


def _valid_payload(make_event: MakeEvent, cls: type[EventPayload]) -> dict[str, Any]:
    return make_event(cls).model_dump(mode="json")


def test_registry_is_the_catalogue() -> None:
    expected = {f"{p}.{event}.v1" for p, events in CATALOGUE.items() for event in events.split()}
    assert set(REGISTRY) == expected


def test_registry_holds_every_event_class_of_every_module() -> None:
    defined = [cls for module in EVENT_MODULES for cls in event_classes(module)]
    assert len(defined) == len(REGISTRY)
    assert set(defined) == set(CLASSES)


@pytest.mark.parametrize("cls", CLASSES, ids=_by_name)
def test_name_and_producer(cls: type[EventPayload]) -> None:
    producer = cls.__module__.rsplit(".", 1)[-1]
    assert NAME_RE.match(cls.NAME), cls.NAME
    assert producer == cls.PRODUCER
    assert cls.NAME.startswith(f"{producer}.")
    assert cls.__doc__ and "\n" not in cls.__doc__.strip(), "one-line docstring"


@pytest.mark.parametrize("cls", CLASSES, ids=_by_name)
def test_no_clinical_free_text_fields(cls: type[EventPayload]) -> None:
    assert not [f for f in cls.model_fields for word in CLINICAL_WORDS if word in f]


@pytest.mark.parametrize("cls", CLASSES, ids=_by_name)
def test_round_trip_through_the_envelope(make_event: MakeEvent, cls: type[EventPayload]) -> None:
    event = make_event(cls)
    assert all(getattr(event, f) is not None for f in cls.model_fields), "factory fills all"
    envelope = Envelope.of(event, correlation_id="req-1", causation_id=str(uuid.uuid4()))
    received = Envelope.from_json(envelope.to_json())
    assert received == envelope
    assert (received.name, received.producer) == (cls.NAME, cls.PRODUCER)
    parsed = parse_payload(received)
    assert type(parsed) is cls
    assert parsed == event


@pytest.mark.parametrize("cls", CLASSES, ids=_by_name)
def test_unknown_fields_are_ignored(make_event: MakeEvent, cls: type[EventPayload]) -> None:
    event = make_event(cls)
    wire = json.loads(Envelope.of(event).to_json())
    wire["payload"]["added_in_a_later_release"] = {"nested": [1, 2]}
    wire["hop_count"] = 3
    received = Envelope.from_json(json.dumps(wire))
    assert parse_payload(received) == event
    assert not hasattr(received, "hop_count")


@pytest.mark.parametrize(("cls", "field_name"), _fields(lambda _, f: f.is_required()))
def test_missing_required_field_is_rejected(
    make_event: MakeEvent, cls: type[EventPayload], field_name: str
) -> None:
    payload = _valid_payload(make_event, cls)
    del payload[field_name]
    envelope = Envelope(name=cls.NAME, producer=cls.PRODUCER, payload=payload)
    with pytest.raises(ValidationError):
        parse_payload(envelope)


@pytest.mark.parametrize(("cls", "field_name"), _fields(lambda name, _: name == "urgency"))
@pytest.mark.parametrize("urgency", [0, 6])
def test_urgency_out_of_range_is_rejected(
    make_event: MakeEvent, cls: type[EventPayload], field_name: str, urgency: int
) -> None:
    payload = _valid_payload(make_event, cls) | {field_name: urgency}
    with pytest.raises(ValidationError):
        cls.model_validate(payload)


def test_urgency_fields_exist() -> None:
    assert len(_fields(lambda name, _: name == "urgency")) >= 4


@pytest.mark.parametrize(("cls", "field_name"), _fields(lambda _, f: f.annotation is AwareDatetime))
def test_naive_datetime_is_rejected(
    make_event: MakeEvent, cls: type[EventPayload], field_name: str
) -> None:
    payload = _valid_payload(make_event, cls) | {field_name: "2025-03-14T09:26:53"}
    with pytest.raises(ValidationError, match="timezone"):
        cls.model_validate(payload)


def test_naive_occurred_at_is_rejected() -> None:
    with pytest.raises(ValidationError, match="timezone"):
        Envelope.model_validate(
            {
                "name": "queue.ticket_missed.v1",
                "producer": "queue",
                "payload": {},
                "occurred_at": "2025-03-14T09:26:53",
            }
        )


def test_payloads_are_frozen(make_event: MakeEvent) -> None:
    event = make_event(CLASSES[0])
    with pytest.raises(ValidationError):
        setattr(event, next(iter(CLASSES[0].model_fields)), None)
