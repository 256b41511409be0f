"""Domain events -> integration events in the outbox (same names, same fields)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Protocol

from hms_appointments.domain import events as ev
from hms_appointments.service_layer.ports import UnitOfWork
from hms_contracts import appointments as contracts
from hms_contracts.envelope import Envelope, EventPayload
from hms_platform.logging import correlation_id

CONTRACTS: dict[type, type[EventPayload]] = {
    ev.ScheduleChanged: contracts.ScheduleChanged,
    ev.AppointmentBooked: contracts.AppointmentBooked,
    ev.AppointmentRescheduled: contracts.AppointmentRescheduled,
    ev.AppointmentCancelled: contracts.AppointmentCancelled,
    ev.PatientCheckedIn: contracts.PatientCheckedIn,
    ev.AppointmentCompleted: contracts.AppointmentCompleted,
    ev.AppointmentNoShow: contracts.AppointmentNoShow,
    ev.NoShowPenaltyApplied: contracts.NoShowPenaltyApplied,
    ev.PenaltyWaived: contracts.PenaltyWaived,
    ev.ClinicalRecordRead: contracts.ClinicalRecordRead,
}


class RecordsEvents(Protocol):
    events: list[ev.DomainEvent]


def to_envelope(event: ev.DomainEvent, occurred_at: datetime) -> Envelope:
    payload = CONTRACTS[type(event)](**asdict(event))
    return Envelope.of(payload, correlation_id=correlation_id(), occurred_at=occurred_at)


def emit(uow: UnitOfWork, now: datetime, *events: ev.DomainEvent) -> None:
    """Events that belong to no aggregate (an audited read) into the outbox, in order."""
    for event in events:
        uow.add_event(to_envelope(event, now))


def record(uow: UnitOfWork, now: datetime, *aggregates: RecordsEvents) -> None:
    """Move the aggregates' recorded events into the unit of work's outbox, in order."""
    for aggregate in aggregates:
        recorded, aggregate.events = aggregate.events, []
        emit(uow, now, *recorded)
