"""Reading appointments, within what the caller may see. A doctor shown a patient's diagnosis
or treatment is recorded for the audit trail (``appointments.clinical_record_read.v1``: ids and
time only), committed before the notes are returned."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

from hms_appointments.domain.actor import Actor
from hms_appointments.domain.appointment import Appointment
from hms_appointments.domain.events import ClinicalRecordRead
from hms_appointments.domain.rules import Rules
from hms_appointments.service_layer import access
from hms_appointments.service_layer.commands import GetAppointment, ListAppointments, NamePeople
from hms_appointments.service_layer.ports import AppointmentFilter, Page, UnitOfWork
from hms_platform.clock import Clock


async def get_appointment(cmd: GetAppointment, uow: UnitOfWork, clock: Clock) -> Appointment:
    async with uow:
        appointment = await access.load_visible(uow, cmd.actor, cmd.appointment_id)
    await _record_clinical_reads(uow, clock, cmd.actor, [appointment])
    return appointment


async def list_appointments(
    cmd: ListAppointments, uow: UnitOfWork, rules: Rules, clock: Clock
) -> Page[Appointment]:
    patient_id, doctor_id = access.own_scope(cmd.actor, cmd.patient_id, cmd.doctor_id)
    start_from = start_to = None
    if cmd.day is not None:  # a day in the clinic's zone, not in UTC
        tz = rules.clinic_tz
        start_from = datetime.combine(cmd.day, time(), tzinfo=tz).astimezone(UTC)
        start_to = datetime.combine(cmd.day + timedelta(days=1), time(), tzinfo=tz).astimezone(UTC)
    where = AppointmentFilter(patient_id, doctor_id, cmd.status, start_from, start_to)
    async with uow:
        page = await uow.appointments.search(where, cmd.limit, cmd.offset)
    visible = {i for a in page.items if access.can_see(cmd.actor, a)
               for i in (a.patient_id, a.doctor_id)}
    page = replace(page, names={i: n for i, n in page.names.items() if i in visible and n})
    await _record_clinical_reads(uow, clock, cmd.actor, page.items)
    return page


async def name_people(cmd: NamePeople, uow: UnitOfWork) -> dict[uuid.UUID, str]:
    async with uow:
        return await _names(uow, cmd.actor, cmd.appointments)


async def _names(uow: UnitOfWork, actor: Actor,
                 appointments: Sequence[Appointment]) -> dict[uuid.UUID, str]:
    """The names of the patients and doctors of the appointments ``actor`` may see; unknown
    ones (no event from auth yet) left out."""
    visible = [a for a in appointments if access.can_see(actor, a)]
    ids = list(dict.fromkeys(i for a in visible for i in (a.patient_id, a.doctor_id)))
    if not ids:
        return {}
    people = await uow.people.get_many(ids)
    return {i: p.full_name for i, p in people.items() if p.full_name}


async def _record_clinical_reads(
    uow: UnitOfWork, clock: Clock, actor: Actor, shown: Sequence[Appointment]
) -> None:
    """One event per appointment whose notes the caller sees and does not own. Most reads show
    none and cost nothing more; if the write fails, the read fails, so no unrecorded read."""
    read = [a for a in shown if access.reads_anothers_notes(actor, a)]
    if not read:
        return
    now = clock.now()
    async with uow.writable():
        for a in read:
            uow.emit(ClinicalRecordRead(a.id, a.patient_id, actor.user_id, now))
        await uow.commit()
