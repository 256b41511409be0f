"""Who may see and do what (the service README's routes). Patients see their own
appointments and penalties, doctors their own appointments, staff everything; what a caller
may not see is "not found" (404), so existence never leaks (OWASP API1)."""

from __future__ import annotations

import functools
import uuid

from hms_appointments.domain import errors as exc
from hms_appointments.domain.actor import Actor
from hms_appointments.domain.appointment import Appointment
from hms_appointments.service_layer.ports import UnitOfWork
from hms_platform import messagebus

# The caller's role must be one the command declares (routes check the same set first).
authorize = functools.partial(messagebus.authorize, refused=exc.NotAllowed)


def can_see(actor: Actor, appointment: Appointment) -> bool:
    return actor.sees(appointment.patient_id, appointment.doctor_id)


def may_read_notes(actor: Actor, appointment: Appointment) -> bool:
    """Diagnosis and treatment: the patient's and the treating doctor's only, not the desk's."""
    return (actor.is_patient and appointment.patient_id == actor.user_id) or (
        actor.is_doctor and appointment.doctor_id == actor.user_id)


def reads_anothers_notes(actor: Actor, appointment: Appointment) -> bool:
    """The caller is shown clinical notes that are not their own: the audit trail hears of it."""
    return (appointment.patient_id != actor.user_id and may_read_notes(actor, appointment)
            and (appointment.diagnosis is not None or appointment.treatment is not None))


async def load_visible(
    uow: UnitOfWork, actor: Actor, appointment_id: uuid.UUID, *, for_update: bool = False
) -> Appointment:
    appointment = await uow.appointments.get(appointment_id, for_update=for_update)
    if appointment is None or not can_see(actor, appointment):
        raise exc.AppointmentNotFound(f"Appointment {appointment_id} not found.")
    return appointment


def booking_patient(actor: Actor, patient_id: uuid.UUID | None) -> uuid.UUID:
    """The patient a booking is for: a patient books for themselves, staff name the patient."""
    if actor.is_patient:
        if patient_id not in (None, actor.user_id):
            raise exc.NotAllowed("A patient may book only for themselves.")
        return actor.user_id
    if patient_id is None:
        raise exc.InvalidRequest("patient_id is required when staff book.")
    return patient_id


def own_scope(
    actor: Actor, patient_id: uuid.UUID | None, doctor_id: uuid.UUID | None
) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    """The (patient_id, doctor_id) filter a listing must use; asking for others' is refused."""
    if actor.is_patient:
        if patient_id not in (None, actor.user_id):
            raise exc.NotAllowed("A patient may list only their own appointments.")
        return actor.user_id, doctor_id
    if actor.is_doctor:
        if doctor_id not in (None, actor.user_id):
            raise exc.NotAllowed("A doctor may list only their own appointments.")
        return patient_id, actor.user_id
    return patient_id, doctor_id
