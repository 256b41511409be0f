"""appointments' events, through the inbox (these run inside the consumer's unit of work,
which commits the inbox claim and the effect together): a check-in opens a ticket, once per
appointment; a cancellation or no-show withdraws it; a completion serves it if it is called;
bookings tell each doctor's slot length."""

from __future__ import annotations

import uuid

import structlog

from hms_contracts.appointments import (
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentCompleted,
    AppointmentNoShow,
    AppointmentRescheduled,
    PatientCheckedIn,
)
from hms_platform.clock import Clock
from hms_queue.domain import errors as exc
from hms_queue.domain.actor import SYSTEM
from hms_queue.domain.policy import Policy
from hms_queue.service_layer.handlers.calls import serve
from hms_queue.service_layer.handlers.line import Estimator, line_changed
from hms_queue.service_layer.handlers.tickets import open_ticket
from hms_queue.service_layer.ports import UnitOfWork

log = structlog.get_logger(__name__)


async def on_patient_checked_in(event: PatientCheckedIn, uow: UnitOfWork, clock: Clock,
                                policy: Policy) -> None:
    async with uow:
        await uow.tickets.lock_line(event.doctor_id)
        now = clock.now()
        day = policy.clinic_day(now)
        # one read, after the lock (a statement sees what was committed when it began)
        seen = await uow.tickets.arrival(event.appointment_id, event.patient_id,
                                         event.doctor_id, day)
        if seen.ticketed:
            return  # the same check-in again (another event id): one ticket per appointment
        if seen.closed:
            log.info("queue.check_in_skipped", appointment_id=str(event.appointment_id),
                     reason="appointment_closed")
            return
        if seen.doctor is not None and not seen.doctor.active:
            log.info("queue.check_in_skipped", appointment_id=str(event.appointment_id),
                     reason="doctor_inactive")
            return
        if seen.in_line:
            log.info("queue.check_in_skipped", appointment_id=str(event.appointment_id),
                     reason="already_in_line")
            return
        # nothing below changes the doctor or their called ticket: the read's estimate holds
        await open_ticket(uow, doctor_id=event.doctor_id, patient_id=event.patient_id,
                          urgency=event.urgency, source="check_in",
                          by=event.checked_in_by or event.patient_id,
                          policy=policy, clock=clock, appointment_id=event.appointment_id,
                          arrived_at=event.arrived_at,
                          estimator=Estimator.of(seen.doctor, seen.called_at, now, policy))


async def _withdraw(uow: UnitOfWork, appointment_id: uuid.UUID, doctor_id: uuid.UUID,
                    reason: str, clock: Clock, policy: Policy) -> None:
    async with uow:
        await uow.tickets.lock_line(doctor_id)
        found = await uow.tickets.by_appointment(appointment_id)
        if found is None:  # its check-in may still be on its way: it will open no ticket
            await uow.tickets.close_appointment(appointment_id, reason, clock.now())
            return
        if not found.is_active:
            return
        if found.doctor_id != doctor_id:  # transferred: that line is the one to lock
            await uow.tickets.lock_line(found.doctor_id)
        ticket = await uow.tickets.get(found.id, for_update=True)
        if ticket is None or not ticket.is_active:
            return
        now = clock.now()
        ticket.cancel(now, SYSTEM.user_id, reason)
        await uow.tickets.save(ticket)
        await line_changed(uow, ticket.doctor_id, ticket.clinic_day, now, policy)


async def on_appointment_cancelled(event: AppointmentCancelled, uow: UnitOfWork, clock: Clock,
                                   policy: Policy) -> None:
    await _withdraw(uow, event.appointment_id, event.doctor_id, "appointment_cancelled", clock,
                    policy)


async def on_appointment_no_show(event: AppointmentNoShow, uow: UnitOfWork, clock: Clock,
                                 policy: Policy) -> None:
    await _withdraw(uow, event.appointment_id, event.doctor_id, "appointment_no_show", clock,
                    policy)


async def on_appointment_completed(event: AppointmentCompleted, uow: UnitOfWork, clock: Clock,
                                   policy: Policy) -> None:
    """The doctor completed the appointment: its called ticket is served (by that doctor).
    A ticket already served, missed, cancelled or still waiting is left alone, and the
    completion is remembered, so a later check-in opens no ticket and serving the ticket by
    hand does not ask for the completion again. A duplicate changes nothing."""
    async with uow:
        found = await uow.tickets.by_appointment(event.appointment_id)
        # the booked doctor's line (as check-ins lock it) and the ticket's, in id order
        for doctor_id in sorted({event.doctor_id, *([found.doctor_id] if found else [])}):
            await uow.tickets.lock_line(doctor_id)
        ticket = await uow.tickets.get(found.id, for_update=True) if found else None
        now = clock.now()
        await uow.tickets.close_appointment(event.appointment_id, "appointment_completed", now)
        if ticket is None or ticket.status != "called":
            return
        if found is not None and ticket.doctor_id != found.doctor_id:
            raise exc.Conflict("The ticket moved meanwhile; try again.")  # the inbox retries
        await serve(uow, ticket, now, event.doctor_id, policy)
    log.info("queue.patient_served", ticket_id=str(ticket.id), by="appointment_completed")


async def _slot_length(uow: UnitOfWork, doctor_id: uuid.UUID, minutes: int) -> None:
    if 1 <= minutes <= 24 * 60:
        await uow.people.set_slot_minutes(doctor_id, minutes)  # one write, no read


async def on_appointment_booked(event: AppointmentBooked, uow: UnitOfWork) -> None:
    await _slot_length(uow, event.doctor_id, int((event.end - event.start).total_seconds() // 60))


async def on_appointment_rescheduled(event: AppointmentRescheduled, uow: UnitOfWork) -> None:
    if event.doctor_id is not None and event.new_end is not None:
        minutes = int((event.new_end - event.new_start).total_seconds() // 60)
        await _slot_length(uow, event.doctor_id, minutes)
