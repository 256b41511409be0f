"""appointments.appointment_booked.v1's optional ``override_reason``: added without breaking
the payloads of producers (or stored events) from before it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from hms_contracts import Envelope, parse_payload
from hms_contracts.appointments import AppointmentBooked

START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def _payload(**extra: object) -> dict[str, object]:
    return {"appointment_id": str(uuid.uuid4()), "patient_id": str(uuid.uuid4()),
            "doctor_id": str(uuid.uuid4()), "start": START.isoformat(),
            "end": START.replace(minute=30).isoformat(), "urgency": 3,
            "booked_by": str(uuid.uuid4()), **extra}


def test_a_booking_without_override_reason_still_parses() -> None:
    envelope = Envelope(name=AppointmentBooked.NAME, producer="appointments", payload=_payload())
    event = parse_payload(envelope)
    assert isinstance(event, AppointmentBooked) and event.override_reason is None
    assert not AppointmentBooked.model_fields["override_reason"].is_required()


def test_the_override_reason_travels_and_is_bounded() -> None:
    event = AppointmentBooked.model_validate(_payload(override_reason="dialysis series"))
    received = Envelope.from_json(Envelope.of(event).to_json())
    assert parse_payload(received) == event
    assert received.payload["override_reason"] == "dialysis series"
    with pytest.raises(ValidationError):
        AppointmentBooked.model_validate(_payload(override_reason="x" * 501))
