"""What every change to a line shares: where a ticket stands, the wait estimate, and the
"turn approaching" notice for the tickets that reached the threshold."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from hms_queue.domain.directory import Person
from hms_queue.domain.estimate import eta_minutes, seed_seconds
from hms_queue.domain.policy import Policy
from hms_queue.domain.ticket import Ticket
from hms_queue.service_layer.commands import TicketView
from hms_queue.service_layer.ports import UnitOfWork


class Estimator:
    """The doctor's average visit and the visit in progress, read once per change."""

    def __init__(self, average: float, in_service: float | None) -> None:
        self.average, self.in_service = average, in_service

    @classmethod
    async def load(cls, uow: UnitOfWork, doctor_id: uuid.UUID, now: datetime,
                   policy: Policy) -> Estimator:
        doctor = await uow.people.get(doctor_id)
        called = await uow.tickets.called(doctor_id)
        return cls.of(doctor, called.called_at if called else None, now, policy)

    @classmethod
    def of(cls, doctor: Person | None, called_at: datetime | None, now: datetime,
           policy: Policy) -> Estimator:
        """From the doctor and their visit in progress, when the caller read them already
        (a check-in, under the line's lock, before changing neither)."""
        average = (doctor.service_seconds if doctor and doctor.service_seconds
                   else seed_seconds(doctor.slot_minutes if doctor else None,
                                     policy.default_service_minutes))
        in_service = (now - called_at).total_seconds() if called_at else None
        return cls(average, in_service)

    def eta(self, people_ahead: int) -> int:
        return eta_minutes(people_ahead, self.average, self.in_service)


async def view(uow: UnitOfWork, ticket: Ticket, now: datetime, policy: Policy) -> TicketView:
    if ticket.status != "waiting":
        return TicketView(ticket)
    ahead = await uow.tickets.people_ahead(ticket, now, policy.aging_minutes)
    estimator = await Estimator.load(uow, ticket.doctor_id, now, policy)
    return TicketView(ticket, ahead + 1, ahead, estimator.eta(ahead))


async def line_changed(uow: UnitOfWork, doctor_id: uuid.UUID, day: date, now: datetime,
                       policy: Policy, estimator: Estimator | None = None,
                       heads: list[Ticket] | None = None) -> None:
    """After any change to the line: the tickets now at or within the threshold that were
    never told are told, once each, even when several ahead left at once. ``estimator`` and
    ``heads`` (the line's first ``turn_threshold + 1`` after the change): when the caller
    read them already."""
    if heads is None:
        heads = await uow.tickets.in_order(doctor_id, day, now, policy.aging_minutes,
                                           policy.turn_threshold + 1)
    fresh = [(i, t) for i, t in enumerate(heads) if not t.turn_notified]
    if fresh:
        estimator = estimator or await Estimator.load(uow, doctor_id, now, policy)
        for ahead, ticket in fresh:
            ticket.approach(ahead, estimator.eta(ahead))
            await uow.tickets.save(ticket)
    uow.line_changed(doctor_id)
