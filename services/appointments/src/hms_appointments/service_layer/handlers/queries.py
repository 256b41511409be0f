"""Reading appointments, within what the caller may see."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from hms_appointments.domain.appointment import Appointment
from hms_appointments.domain.rules import Rules
from hms_appointments.service_layer import access
from hms_appointments.service_layer.commands import GetAppointment, ListAppointments
from hms_appointments.service_layer.ports import AppointmentFilter, Page, UnitOfWork


async def get_appointment(cmd: GetAppointment, uow: UnitOfWork) -> Appointment:
    async with uow:
        return await access.load_visible(uow, cmd.actor, cmd.appointment_id)


async def list_appointments(
    cmd: ListAppointments, uow: UnitOfWork, rules: Rules
) -> Page[Appointment]:
    patient_id, doctor_id = access.own_scope(cmd.actor, cmd.patient_id, cmd.doctor_id)
    start_from = start_to = None
    if cmd.day is not None:  # a day in the clinic's zone, not in UTC
        tz = rules.clinic_tz
        start_from = datetime.combine(cmd.day, time(), tzinfo=tz).astimezone(UTC)
        start_to = datetime.combine(cmd.day + timedelta(days=1), time(), tzinfo=tz).astimezone(UTC)
    where = AppointmentFilter(patient_id, doctor_id, cmd.status, start_from, start_to)
    async with uow:
        return await uow.appointments.search(where, cmd.limit, cmd.offset)
