"""Moving one appointment along its lifecycle, by hand."""

from __future__ import annotations

import structlog

from hms_appointments.domain.actor import PATIENT
from hms_appointments.domain.appointment import Appointment
from hms_appointments.domain.rules import Rules
from hms_appointments.service_layer import access
from hms_appointments.service_layer.commands import (
    CancelAppointment,
    CheckIn,
    CompleteAppointment,
    MarkNoShow,
)
from hms_appointments.service_layer.handlers.booking import check_self_cancellations
from hms_appointments.service_layer.handlers.no_shows import record_no_show
from hms_appointments.service_layer.last_write import move_wins, write_of
from hms_appointments.service_layer.ports import UnitOfWork
from hms_platform.clock import Clock

log = structlog.get_logger(__name__)


async def cancel_appointment(
    cmd: CancelAppointment, uow: UnitOfWork, clock: Clock, rules: Rules
) -> Appointment:
    access.authorize(cmd, action="cancel")
    now = clock.now()
    write = write_of(cmd.actor, cmd.client_updated_at, now, rules)
    async with uow:
        if cmd.actor.role == PATIENT:
            # The patient's lock first, as booking takes it (then the row): a patient's
            # parallel cancellations count one after another and cannot all pass the cap.
            await uow.appointments.lock_patient(cmd.actor.user_id)
        appointment = await access.load_visible(uow, cmd.actor, cmd.appointment_id,
                                                for_update=True)
        if cmd.actor.role == PATIENT:
            appointment.require_not_started(now, "cancel")
            await check_self_cancellations(uow, cmd.actor.user_id, now, rules)
        if move_wins(appointment, write, lambda a: a.cancel(
                cmd.actor.user_id, now, cmd.reason, rules.late_cancel)):
            appointment.cancel(cmd.actor.user_id, now, cmd.reason, rules.late_cancel)
            await uow.appointments.save(appointment)
            await uow.commit()
    log.info("appointment.cancelled", appointment_id=str(appointment.id),
             late=appointment.late_cancel)
    return appointment


async def check_in(cmd: CheckIn, uow: UnitOfWork, clock: Clock, rules: Rules) -> Appointment:
    access.authorize(cmd, action="check patients in")
    now = clock.now()
    write = write_of(cmd.actor, cmd.client_updated_at, now, rules)
    async with uow:
        appointment = await access.load_visible(uow, cmd.actor, cmd.appointment_id,
                                                for_update=True)
        if move_wins(appointment, write,
                     lambda a: a.check_in(now, rules.clinic_tz, cmd.actor.user_id)):
            appointment.check_in(now, rules.clinic_tz, cmd.actor.user_id)
            await uow.appointments.save(appointment)
            await uow.commit()
    log.info("appointment.checked_in", appointment_id=str(appointment.id))
    return appointment


async def complete_appointment(
    cmd: CompleteAppointment, uow: UnitOfWork, clock: Clock
) -> Appointment:
    access.authorize(cmd, action="complete appointments")
    now = clock.now()
    async with uow:
        # Another doctor's appointment is not found: a doctor sees their own only.
        appointment = await access.load_visible(uow, cmd.actor, cmd.appointment_id,
                                                for_update=True)
        appointment.complete(now, cmd.diagnosis, cmd.treatment)
        await uow.appointments.save(appointment)
        await uow.commit()
    log.info("appointment.completed", appointment_id=str(appointment.id))  # no clinical text
    return appointment


async def mark_no_show(cmd: MarkNoShow, uow: UnitOfWork, clock: Clock, rules: Rules) -> Appointment:
    access.authorize(cmd, action="mark no-shows")
    now = clock.now()
    async with uow:
        appointment = await access.load_visible(uow, cmd.actor, cmd.appointment_id,
                                                for_update=True)
        appointment.mark_no_show(now, str(cmd.actor.user_id))
        await record_no_show(uow, appointment, now, rules)
        await uow.commit()
    log.info("appointment.no_show", appointment_id=str(appointment.id), marked_by="staff")
    return appointment
