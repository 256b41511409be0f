"""The registry: lookup by name, unknown names, duplicate names, parsing envelopes."""

from __future__ import annotations

from typing import ClassVar

import pytest
from pydantic import ValidationError

from hms_contracts import REGISTRY, Envelope, EventPayload, UnknownEvent, parse_payload
from hms_contracts.queue import TicketMissed
from hms_contracts.registry import build_registry, event_names, payload_class


def test_event_names_are_sorted_and_unique() -> None:
    names = event_names()
    assert names == sorted(set(names)) == list(REGISTRY)


def test_payload_class_finds_each_event() -> None:
    for name, cls in REGISTRY.items():
        assert payload_class(name) is cls


def test_unknown_name_raises_unknown_event() -> None:
    with pytest.raises(UnknownEvent) as caught:
        payload_class("queue.ticket_teleported.v1")
    assert isinstance(caught.value, KeyError)
    assert caught.value.args == ("queue.ticket_teleported.v1",)


def test_parse_payload_with_unknown_name_raises_unknown_event() -> None:
    envelope = Envelope(name="queue.ticket_missed.v9", producer="queue", payload={})
    with pytest.raises(UnknownEvent):
        parse_payload(envelope)


def test_parse_payload_rejects_a_payload_of_the_wrong_shape() -> None:
    envelope = Envelope(name=TicketMissed.NAME, producer="queue", payload={"ticket_id": "nope"})
    with pytest.raises(ValidationError):
        parse_payload(envelope)


def test_two_classes_with_one_name_are_refused() -> None:
    class Impostor(EventPayload):
        """Claims a name that is taken."""

        NAME: ClassVar[str] = TicketMissed.NAME
        PRODUCER: ClassVar[str] = "queue"

    with pytest.raises(RuntimeError, match="share"):
        build_registry([TicketMissed, Impostor])
