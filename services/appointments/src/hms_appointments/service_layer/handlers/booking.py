"""Booking and rescheduling: the same slot rules; the database has the last word on overlaps
and on one visit per patient, doctor and clinic day. The cap on active bookings and a patient's
own recent cancellations are counted under a per-patient lock
(docs/decisions/0004-booking-cap-lock-then-count.md)."""

from __future__ import annotations

import uuid
from datetime import datetime

import structlog

from hms_appointments.domain import errors as exc
from hms_appointments.domain.actor import PATIENT
from hms_appointments.domain.appointment import Appointment, Status
from hms_appointments.domain.directory import Person
from hms_appointments.domain.rules import Rules
from hms_appointments.domain.schedule import Schedule, Slot
from hms_appointments.service_layer import access
from hms_appointments.service_layer.commands import BookAppointment, RescheduleAppointment
from hms_appointments.service_layer.last_write import settle, write_of
from hms_appointments.service_layer.ports import UnitOfWork
from hms_platform.clock import Clock

DEFAULT_URGENCY = 3  # ESI 3: routine, until the desk triages

log = structlog.get_logger(__name__)


async def book_appointment(
    cmd: BookAppointment, uow: UnitOfWork, clock: Clock, rules: Rules
) -> Appointment:
    access.authorize(cmd, action="book appointments")
    patient_id = access.booking_patient(cmd.actor, cmd.patient_id)
    if cmd.actor.is_patient and cmd.urgency is not None:
        # Urgency orders the queue (ESI triage): the desk sets it, not the patient's app.
        raise exc.NotAllowed("Urgency is set by staff at triage; book without it.")
    if cmd.actor.is_patient and cmd.override_reason is not None:
        # The cap protects other patients' access: only the desk may go past it, with a reason.
        raise exc.NotAllowed("Only staff may book past the limit of active appointments.")
    now = clock.now()
    async with uow:
        if (cmd.appointment_id is not None
                and await uow.appointments.get(cmd.appointment_id) is not None):
            raise exc.AppointmentExists("An appointment with that id exists.")
        # Lock, then count (docs/decisions/0004-booking-cap-lock-then-count.md): the lock is
        # taken with the reads of the doctor, the patient and the schedule, one round trip.
        read = await uow.booking.lock_and_read(patient_id, cmd.doctor_id)
        _check_doctor(read.people.get(cmd.doctor_id), cmd.doctor_id)
        _check_patient(read.people.get(patient_id), patient_id,
                       self_booking=cmd.actor.is_patient)
        if cmd.actor.is_patient:  # staff may still book for a penalised patient
            since = rules.penalties.window_start(now)
            rules.penalties.check_self_booking(await uow.penalties.count_active(patient_id, since))
        slot = _slot(read.schedule, cmd.doctor_id, cmd.start, now, rules)
        if cmd.actor.is_patient:  # book-and-cancel loops: staff are not held back
            await check_self_cancellations(uow, patient_id, now, rules)
        overridden = rules.bookings.check_active(
            await uow.appointments.count_active_after(patient_id, now),
            by_staff=cmd.actor.is_staff, override_reason=cmd.override_reason)
        appointment = Appointment.book(
            patient_id=patient_id, doctor_id=cmd.doctor_id, slot=slot,
            urgency=DEFAULT_URGENCY if cmd.urgency is None else cmd.urgency,
            reason=cmd.reason, booked_by=cmd.actor.user_id, now=now,
            appointment_id=cmd.appointment_id,
            override_reason=cmd.override_reason if overridden else None)
        # No check-then-insert: the exclusion constraints and the one-per-day index decide,
        # even under concurrency.
        await uow.appointments.add(appointment)
        await uow.commit()
    log.info("appointment.booked", appointment_id=str(appointment.id),
             over_limit=overridden)
    return appointment


async def reschedule_appointment(
    cmd: RescheduleAppointment, uow: UnitOfWork, clock: Clock, rules: Rules
) -> Appointment:
    access.authorize(cmd, action="reschedule")
    now = clock.now()
    write = write_of(cmd.actor, cmd.client_updated_at, now, rules)
    async with uow:
        appointment = await access.load_visible(uow, cmd.actor, cmd.appointment_id,
                                                for_update=True)
        appointment.require(Status.BOOKED, "reschedule")
        if cmd.actor.role == PATIENT:
            appointment.require_not_started(now, "reschedule")
        if not write.may_write(appointment.field_times, "start"):
            settle(appointment, write, [], applied=False)  # a later or a staff move won
            return appointment
        settle(appointment, write, ["start"], applied=True)
        await bookable_doctor(uow, appointment.doctor_id)
        slot = await bookable_slot(uow, appointment.doctor_id, cmd.start, now, rules)
        appointment.reschedule(slot, cmd.actor.user_id)
        await uow.appointments.save(appointment)
        await uow.commit()
    log.info("appointment.rescheduled", appointment_id=str(appointment.id))
    return appointment


async def check_self_cancellations(
    uow: UnitOfWork, patient_id: uuid.UUID, now: datetime, rules: Rules
) -> None:
    """TooManyCancellations once the patient has cancelled their own appointments as often as
    the rolling window allows; call it holding the patient's lock, so that the count stays
    true until the transaction ends."""
    limit = rules.cancellations
    cancelled = await uow.appointments.self_cancelled_since(patient_id, limit.window_start(now))
    limit.check(cancelled, now, rules.clinic_tz)


async def bookable_doctor(uow: UnitOfWork, doctor_id: uuid.UUID) -> Person:
    return _check_doctor(await uow.people.get(doctor_id), doctor_id)


def _check_doctor(doctor: Person | None, doctor_id: uuid.UUID) -> Person:
    if doctor is None or not doctor.is_doctor:
        raise exc.DoctorNotFound(f"Doctor {doctor_id} not found.")
    if not doctor.active:
        raise exc.DoctorUnavailable(
            f"Doctor {doctor_id} is no longer active and takes no new bookings.")
    return doctor


def _check_patient(patient: Person | None, patient_id: uuid.UUID, *, self_booking: bool) -> None:
    if patient is None and self_booking:
        # The signed token proves the patient exists; auth's event may simply not be here yet.
        return
    if patient is None or not patient.is_patient:
        raise exc.PatientNotFound(f"Patient {patient_id} not found.")
    if not patient.active:
        raise exc.PatientInactive(f"Patient {patient_id} is deactivated.")


async def bookable_slot(
    uow: UnitOfWork, doctor_id: uuid.UUID, start: datetime, now: datetime, rules: Rules
) -> Slot:
    return _slot(await uow.schedules.get(doctor_id), doctor_id, start, now, rules)


def _slot(schedule: Schedule | None, doctor_id: uuid.UUID, start: datetime, now: datetime,
          rules: Rules) -> Slot:
    rules.bookings.check_horizon(start, now)
    if schedule is None:
        raise exc.OutsideHours(f"Doctor {doctor_id} has no working hours yet.")
    return schedule.bookable_slot(start, rules.clinic_tz, now)
