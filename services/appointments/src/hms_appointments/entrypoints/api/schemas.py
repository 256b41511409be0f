"""Request and response bodies (``XCreate`` / ``XUpdate`` / ``XPublic``) and the problem+json
error documentation. Inputs are bounded so that bad input is a 422, never a 500."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from hms_appointments.domain.appointment import Status
from hms_platform.web import problems as platform_problems
from hms_platform.web.text import Storable

MIN_YEAR, MAX_YEAR = 2000, 2100


def _instant(value: datetime) -> datetime:
    if not MIN_YEAR <= value.year <= MAX_YEAR:  # checked before any zone arithmetic can overflow
        raise ValueError(f"must be between {MIN_YEAR} and {MAX_YEAR}")
    return value.astimezone(UTC)


def _day(value: date) -> date:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"must be between {MIN_YEAR} and {MAX_YEAR}")
    return value


Instant = Annotated[AwareDatetime, AfterValidator(_instant)]
Day = Annotated[date, AfterValidator(_day)]
Reason = Annotated[str, StringConstraints(max_length=500), Storable]
RequiredReason = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
    Storable]
ClinicalText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000),
    Storable]
ClockTime = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


_NAME = "from auth's events; null until this service has heard of the person"


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WeeklyRange(_In):
    weekday: int = Field(ge=0, le=6, description="0 = Monday ... 6 = Sunday")
    start: ClockTime = Field(description="HH:MM in the clinic's time zone")
    end: ClockTime = Field(description="HH:MM in the clinic's time zone, after start")


class TimeOffRange(_In):
    start: Instant
    end: Instant


class ScheduleUpdate(_In):
    slot_minutes: int = Field(ge=5, le=240)
    weekly: list[WeeklyRange] = Field(max_length=100)
    time_off: list[TimeOffRange] = Field(default_factory=list, max_length=500)


class SchedulePublic(BaseModel):
    doctor_id: uuid.UUID
    slot_minutes: int
    timezone: str
    weekly: list[WeeklyRange]
    time_off: list[TimeOffRange]


class DoctorPublic(BaseModel):
    id: uuid.UUID
    full_name: str
    department: str | None
    room: str | None
    active: bool


class SlotPublic(BaseModel):
    start: datetime
    end: datetime
    available: bool


class DaySlots(BaseModel):
    doctor_id: uuid.UUID
    date: date
    timezone: str
    slots: list[SlotPublic]


CLIENT_TIME = ("offline writes: when the client made the change (RFC 3339 with offset); "
               "last write wins, staff over patients (docs/api.md, Offline writes)")


class AppointmentCreate(_In):
    id: uuid.UUID | None = Field(default=None, description="the client's own id; taken: 409")
    doctor_id: uuid.UUID
    start: Instant
    patient_id: uuid.UUID | None = Field(default=None, description="staff only; a patient "
                                         "books for themselves")
    urgency: int | None = Field(default=None, ge=1, le=5, description=(
        "staff only (triage): 1 most urgent .. 5 routine; default 3"))
    reason: Reason | None = None
    override_reason: RequiredReason | None = Field(default=None, description=(
        "staff only: why to book past the patient's limit of active upcoming appointments "
        "(recorded in the booking event); a patient who sends it gets 403"))


class CancelRequest(_In):
    reason: Reason | None = None
    client_updated_at: Instant | None = Field(default=None, description=CLIENT_TIME)


class RescheduleRequest(_In):
    start: Instant
    client_updated_at: Instant | None = Field(default=None, description=CLIENT_TIME)


class ClientWrite(_In):
    """The optional body of a check-in."""

    client_updated_at: Instant | None = Field(default=None, description=CLIENT_TIME)


class CompleteRequest(_In):
    diagnosis: ClinicalText
    treatment: ClinicalText


class WaiveRequest(_In):
    reason: RequiredReason


class AppointmentPublic(BaseModel):
    id: uuid.UUID
    status: Status
    patient_id: uuid.UUID
    patient_name: str | None = Field(default=None, description=_NAME)
    doctor_id: uuid.UUID
    doctor_name: str | None = Field(default=None, description=_NAME)
    start: datetime
    end: datetime
    urgency: int
    reason: str | None
    booked_by: uuid.UUID
    created_at: datetime
    cancelled_at: datetime | None = None
    cancelled_by: uuid.UUID | None = None
    cancel_reason: str | None = None
    late_cancel: bool | None = None
    checked_in_at: datetime | None = None
    completed_at: datetime | None = None
    no_show_at: datetime | None = None
    no_show_marked_by: str | None = None
    diagnosis: str | None = Field(default=None, description="the patient and that doctor only")
    treatment: str | None = Field(default=None, description="the patient and that doctor only")


class PenaltyPublic(BaseModel):
    id: uuid.UUID
    appointment_id: uuid.UUID
    patient_id: uuid.UUID
    doctor_id: uuid.UUID
    created_at: datetime
    active: bool = Field(description="not waived and inside the policy window")
    waived_at: datetime | None
    waived_by: uuid.UUID | None
    waive_reason: str | None


class _Page(BaseModel):
    total: int
    limit: int
    offset: int


class DoctorPage(_Page):
    items: list[DoctorPublic]


class AppointmentPage(_Page):
    items: list[AppointmentPublic]


class PenaltyPage(_Page):
    items: list[PenaltyPublic]


def problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses``: every route may also answer 400, 401 and 422."""
    return platform_problems(400, 401, 422, *codes)
