"""The queue's events name the ticket as the screen and the printed ticket do ("B-002")."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from hms_contracts.queue import PatientCalled, TicketIssued
from hms_platform.recording import to_envelope
from hms_queue.adapters.contracts import CONTRACTS
from hms_queue.domain.ticket import Ticket

T0 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def test_issued_and_called_events_carry_the_label_to_the_contract() -> None:
    doctor = uuid.uuid4()
    t = Ticket.issue(doctor_id=doctor, clinic_day=date(2026, 3, 2), letter="B", number=2,
                     patient_id=uuid.uuid4(), urgency=3, source="walk_in", now=T0,
                     by=uuid.uuid4())
    t.issued(position=1, eta=5)
    t.call(T0, doctor, "12")
    issued, called = (to_envelope(e, CONTRACTS, T0).payload for e in t.events)
    assert TicketIssued.model_validate(issued).label == "B-002"
    assert PatientCalled.model_validate(called).label == "B-002"
    assert (issued["number"], called["number"]) == (2, 2)
