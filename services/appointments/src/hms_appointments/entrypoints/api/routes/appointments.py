"""Booking, reading and moving appointments along their lifecycle."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Query, Response

from hms_appointments.domain.actor import Actor
from hms_appointments.domain.appointment import Appointment, Status
from hms_appointments.entrypoints.api import PREFIX, views
from hms_appointments.entrypoints.api import schemas as s
from hms_appointments.entrypoints.api.deps import Bus, caller
from hms_appointments.service_layer import commands as c
from hms_platform.last_write import OUTCOME_HEADER
from hms_platform.messagebus import MessageBus

# Every route here names its caller (``caller``, which verifies the token): a router-wide
# ``Depends(get_principal)`` as well made FastAPI resolve that chain twice per request.
router = APIRouter(prefix=PREFIX, tags=["appointments"])
Public = s.AppointmentPublic


async def _public(bus: MessageBus, actor: Actor, appt: Appointment) -> Public:
    """The answer about one appointment that was read, with the people's names the caller may
    see. A change answers with the ids only (``_changed``): looking the names up again cost
    the booking path a fifth of its throughput, and the caller has just named them."""
    names = await bus.handle(c.NamePeople(actor, (appt,)))
    return views.appointment(appt, actor, names)


def _changed(actor: Actor, appt: Appointment, response: Response | None = None) -> Public:
    """An offline write also says its outcome in ``HMS-Write-Outcome``: applied, or
    superseded (the answer is then the appointment as it is)."""
    if response is not None and appt.write_outcome is not None:
        response.headers[OUTCOME_HEADER] = appt.write_outcome
    return views.appointment(appt, actor)


@router.post("", status_code=201, response_model=Public,
             responses=s.problems(403, 404, 409, 429))
async def book(body: s.AppointmentCreate, bus: Bus,
               actor: Annotated[Actor, caller(c.BookAppointment)]) -> Public:
    """Book a slot. A patient books for themselves; staff name the patient. Taken, the same
    doctor that day, the patient's limit of active bookings reached, or a taken ``id`` (the
    client's own): 409. Too far ahead: 422. A patient who cancelled too often in the last 24
    hours: 429 with Retry-After."""
    appt = await bus.handle(c.BookAppointment(
        actor, body.doctor_id, body.start, body.patient_id, body.urgency, body.reason,
        body.override_reason, body.id))
    return _changed(actor, appt)


@router.get("", response_model=s.AppointmentPage, responses=s.problems(403))
async def list_appointments(
    bus: Bus, actor: Annotated[Actor, caller(c.ListAppointments)],
    patient_id: uuid.UUID | None = None, doctor_id: uuid.UUID | None = None,
    day: Annotated[s.Day | None, Query(alias="date")] = None, status: Status | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> s.AppointmentPage:
    """Patients list their own, doctors theirs, staff anyone's; ``date`` is a clinic day.
    Each carries the patient's and the doctor's names (null while unknown)."""
    page = await bus.handle(c.ListAppointments(actor, patient_id, doctor_id, day, status,
                                               limit, offset))
    return s.AppointmentPage(items=[views.appointment(a, actor, page.names) for a in page.items],
                             total=page.total, limit=limit, offset=offset)


@router.get("/{appointment_id}", response_model=Public, responses=s.problems(404))
async def get_appointment(appointment_id: uuid.UUID, bus: Bus,
                          actor: Annotated[Actor, caller(c.GetAppointment)]) -> Public:
    return await _public(bus, actor, await bus.handle(c.GetAppointment(actor, appointment_id)))


@router.post("/{appointment_id}/cancel", response_model=Public,
             responses=s.problems(403, 404, 409, 429))
async def cancel(
    appointment_id: uuid.UUID, bus: Bus, actor: Annotated[Actor, caller(c.CancelAppointment)],
    response: Response, body: Annotated[s.CancelRequest | None, Body()] = None,
) -> Public:
    """Cancel; ``late_cancel`` is set when inside the late-cancellation window. A patient may
    cancel their own appointments a few times in any 24 hours, then 429 with Retry-After."""
    reason = body.reason if body else None
    appt = await bus.handle(c.CancelAppointment(actor, appointment_id, reason,
                                                body.client_updated_at if body else None))
    return _changed(actor, appt, response)


@router.post("/{appointment_id}/reschedule", response_model=Public,
             responses=s.problems(403, 404, 409))
async def reschedule(
    appointment_id: uuid.UUID, body: s.RescheduleRequest, bus: Bus, response: Response,
    actor: Annotated[Actor, caller(c.RescheduleAppointment)],
) -> Public:
    """Same appointment, new time; the same rules as booking (slot, horizon, one visit per
    doctor and day)."""
    appt = await bus.handle(c.RescheduleAppointment(actor, appointment_id, body.start,
                                                    body.client_updated_at))
    return _changed(actor, appt, response)


@router.post("/{appointment_id}/check-in", response_model=Public,
             responses=s.problems(403, 404, 409))
async def check_in(appointment_id: uuid.UUID, bus: Bus, response: Response,
                   actor: Annotated[Actor, caller(c.CheckIn)],
                   body: Annotated[s.ClientWrite | None, Body()] = None) -> Public:
    at = body.client_updated_at if body else None
    return _changed(actor, await bus.handle(c.CheckIn(actor, appointment_id, at)), response)


@router.post("/{appointment_id}/complete", response_model=Public,
             responses=s.problems(403, 404, 409))
async def complete(
    appointment_id: uuid.UUID, body: s.CompleteRequest, bus: Bus,
    actor: Annotated[Actor, caller(c.CompleteAppointment)],
) -> Public:
    """That appointment's doctor closes it; diagnosis and treatment stay in this service."""
    return _changed(actor, await bus.handle(c.CompleteAppointment(
        actor, appointment_id, body.diagnosis, body.treatment)))


@router.post("/{appointment_id}/no-show", response_model=Public,
             responses=s.problems(403, 404, 409))
async def no_show(appointment_id: uuid.UUID, bus: Bus,
                  actor: Annotated[Actor, caller(c.MarkNoShow)]) -> Public:
    """Mark missed by hand (after the start); the patient gets one penalty."""
    return _changed(actor, await bus.handle(c.MarkNoShow(actor, appointment_id)))
