"""queue.ticket_issued.v1 and queue.patient_called.v1's optional ``label`` ("B-002"): added
without breaking the payloads of producers (or stored events) from before it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from hms_contracts import Envelope, parse_payload
from hms_contracts.queue import PatientCalled, TicketIssued

AT = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def _ids() -> dict[str, object]:
    return {"ticket_id": str(uuid.uuid4()), "number": 2, "patient_id": str(uuid.uuid4()),
            "doctor_id": str(uuid.uuid4())}


OLD = {
    TicketIssued: lambda: {**_ids(), "urgency": 3, "source": "walk_in", "position": 1,
                           "eta_minutes": 5},
    PatientCalled: lambda: {**_ids(), "room": "12", "called_at": AT.isoformat()},
}


@pytest.mark.parametrize("cls", OLD, ids=lambda c: c.NAME)
def test_an_event_from_before_the_label_still_parses(cls: type[TicketIssued]) -> None:
    event = parse_payload(Envelope(name=cls.NAME, producer="queue", payload=OLD[cls]()))
    assert isinstance(event, cls) and event.label is None and event.number == 2
    assert not cls.model_fields["label"].is_required()


@pytest.mark.parametrize("cls", OLD, ids=lambda c: c.NAME)
def test_the_label_travels_and_is_bounded(cls: type[TicketIssued]) -> None:
    event = cls.model_validate({**OLD[cls](), "label": "B-002"})
    received = Envelope.from_json(Envelope.of(event).to_json())
    assert parse_payload(received) == event
    assert received.payload["label"] == "B-002"
    with pytest.raises(ValidationError):
        cls.model_validate({**OLD[cls](), "label": "x" * 17})
