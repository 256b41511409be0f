"""Request and response bodies (``XCreate`` / ``XUpdate`` / ``XPublic``) and the problem+json
error documentation. Inputs are bounded so that bad input is a 422, never a 500."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from hms_platform.web import problems as platform_problems
from hms_platform.web.text import Storable
from hms_queue.domain.ticket import Source, Status


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


ClientTime = AwareDatetime | None
CLIENT_TIME = ("offline writes: when the client made the change (RFC 3339 with offset); "
               "last write wins per field, staff over patients (docs/api.md, Offline writes)")


class TicketCreate(_In):
    id: uuid.UUID | None = Field(default=None, description="the client's own id; taken: 409")
    patient_id: uuid.UUID
    doctor_id: uuid.UUID
    urgency: int = Field(default=3, ge=1, le=5, description="1 (most urgent) .. 5 (routine)")
    patient_voucher: str | None = Field(
        default=None, max_length=4096,
        description="the `voucher` of POST /api/auth/patients: the ticket is issued even "
                    "before the queue has heard of the patient")


class TicketUpdate(_In):
    urgency: int | None = Field(default=None, ge=1, le=5)
    doctor_id: uuid.UUID | None = Field(default=None, description="transfer to this doctor")
    client_updated_at: ClientTime = Field(default=None, description=CLIENT_TIME)


class ClientWrite(_In):
    """The optional body of a status move (serve, no-show)."""

    client_updated_at: ClientTime = Field(default=None, description=CLIENT_TIME)


class DisplayCreate(_In):
    # at most QUEUE_DISPLAY_MAX_DOCTORS distinct doctors (a 422 beyond); 100 bounds the body
    doctor_ids: list[uuid.UUID] = Field(min_length=1, max_length=100)
    hours: int = Field(default=12, ge=1, le=24 * 31)


class NamedDisplayCreate(_In):
    """A named display (admin): its link holds until the display is revoked."""

    name: Annotated[str, Storable] = Field(min_length=1, max_length=100,
                                           examples=["Ground floor waiting room"])
    # at most QUEUE_DISPLAY_MAX_DOCTORS distinct doctors (a 422 beyond)
    doctor_ids: list[uuid.UUID] = Field(min_length=1, max_length=100)


class TicketPublic(BaseModel):
    id: uuid.UUID
    number: int
    label: str = Field(description='shown to people, e.g. "A-012"')
    status: Status
    patient_id: uuid.UUID
    doctor_id: uuid.UUID
    clinic_day: date
    urgency: int
    source: Source
    appointment_id: uuid.UUID | None
    arrived_at: datetime
    called_at: datetime | None
    closed_at: datetime | None
    misses: int
    position: int | None = Field(description="1: next to be called; null unless waiting")
    people_ahead: int | None
    eta_minutes: int | None


class LineTicketPublic(TicketPublic):
    """A ticket in a doctor's line, as that doctor and staff read it."""

    patient_name: str | None = Field(
        description="from auth's events; null until the queue has heard of it")


class LinePublic(BaseModel):
    doctor_id: uuid.UUID
    doctor_name: str | None = Field(
        description="from auth's events; null until the queue has heard of it")
    clinic_day: date
    room: str | None
    called: LineTicketPublic | None
    waiting: list[LineTicketPublic]
    total_waiting: int
    limit: int
    offset: int


class ServedPublic(TicketPublic):
    """A served ticket. For an appointment's ticket, ``appointment_to_complete`` says whether
    the appointment still needs its diagnosis and treatment recorded at
    ``POST /api/appointments/{appointment_id}/complete`` (completing it there first serves a
    called ticket by itself)."""

    appointment_to_complete: bool = Field(
        description="true: complete the appointment at POST /api/appointments/"
                    "{appointment_id}/complete; false for a walk-in, or when the queue has "
                    "heard that the appointment was completed")


class DisplayPublic(BaseModel):
    url: str
    expires_at: datetime


class NamedDisplayPublic(BaseModel):
    id: uuid.UUID
    name: str
    doctor_ids: list[uuid.UUID]
    url: str | None = Field(description="the screen's link, valid until the display is "
                                        "revoked; null once revoked")
    created_at: datetime
    revoked_at: datetime | None


def problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses``: every route may also answer 400, 401 and 422."""
    return platform_problems(400, 401, 422, *codes)
