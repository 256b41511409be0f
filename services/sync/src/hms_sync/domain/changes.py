"""The feed: one row per record (a patient's profile, an appointment, a ticket, a message),
renewed by each event about it, with who may see it (its patient, its doctor, its clinic day).

Only what the events carry, which is never a diagnosis, a treatment or a free-text note: the
fields below are chosen one by one, never copied wholesale from a payload."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

PATIENT, APPOINTMENT, TICKET, MESSAGE = "patient", "appointment", "ticket", "message"


@dataclass(frozen=True)
class Update:
    """What one event says about one record (None: the event does not say)."""

    entity: str
    id: str
    at: datetime  # when the event happened: an older one never overwrites a newer one
    fields: Mapping[str, Any] = field(default_factory=dict)
    patient_id: str | None = None
    doctor_id: str | None = None
    clinic_day: date | None = None
    deleted: bool | None = None  # True: no longer in the feed's audience (a patient made staff)


@dataclass(frozen=True)
class Row:
    """A record as the feed keeps it."""

    entity: str
    id: str
    version: int
    fields: Mapping[str, Any]
    event_at: datetime
    patient_id: str | None = None
    doctor_id: str | None = None
    clinic_day: date | None = None
    deleted: bool = False


def created(update: Update) -> Row:
    """The row of a record the feed has no row for yet: what ``update`` says, version 1."""
    return Row(update.entity, update.id, 1, dict(update.fields), update.at, update.patient_id,
               update.doctor_id, update.clinic_day, bool(update.deleted))


def merge(row: Row | None, update: Update) -> Row | None:
    """The row after ``update``, or None when it changes nothing. Events may arrive out of
    order: a newer event's values win; an older one only fills what the row lacks."""
    if row is None:
        return created(update)
    newer = update.at >= row.event_at

    def pick(mine: Any, theirs: Any) -> Any:
        if theirs is None:
            return mine
        return theirs if newer or mine is None else mine

    fields = ({**row.fields, **update.fields} if newer else {**update.fields, **row.fields})
    merged = replace(row, fields=fields, event_at=max(row.event_at, update.at),
                     patient_id=pick(row.patient_id, update.patient_id),
                     doctor_id=pick(row.doctor_id, update.doctor_id),
                     clinic_day=pick(row.clinic_day, update.clinic_day),
                     deleted=pick(row.deleted, update.deleted))
    if replace(merged, event_at=row.event_at) == row:
        return None
    return replace(merged, version=row.version + 1)


def _day(value: str | datetime, tz: ZoneInfo) -> date:
    instant = datetime.fromisoformat(value) if isinstance(value, str) else value
    return instant.astimezone(tz).date()


def _pick(payload: Mapping[str, Any], *names: str) -> dict[str, Any]:
    return {n: payload[n] for n in names if payload.get(n) is not None}


Projector = Callable[[Mapping[str, Any], datetime, ZoneInfo], Update | None]


def _registered(p: Mapping[str, Any], at: datetime, tz: ZoneInfo) -> Update | None:
    if p["role"] != "patient":
        return None  # staff profiles are not in the feed
    fields = {**_pick(p, "full_name", "phone_number", "email"), "active": True}
    return Update(PATIENT, p["user_id"], at, fields, patient_id=p["user_id"])


def _user_updated(p: Mapping[str, Any], at: datetime, tz: ZoneInfo) -> Update:
    """The profile fields it names (null: cleared); a role change away from patient takes
    the profile out of the feed (``deleted``)."""
    changed = p.get("changed", [])
    said = {n: p.get(n) for n in changed if n in ("full_name", "phone_number", "email", "active")}
    gone = (p.get("role") != "patient") if "role" in changed and p.get("role") else None
    return Update(PATIENT, p["user_id"], at, said, patient_id=p["user_id"], deleted=gone)


def _deactivated(p: Mapping[str, Any], at: datetime, tz: ZoneInfo) -> Update:
    return Update(PATIENT, p["user_id"], at, {"active": False}, patient_id=p["user_id"])


def _appointment(status: str | None, *names: str,
                 day_of: str | None = None) -> Projector:
    def project(p: Mapping[str, Any], at: datetime, tz: ZoneInfo) -> Update:
        fields = _pick(p, "patient_id", "doctor_id", *names)
        if status:
            fields["status"] = status
        if "new_start" in fields:
            fields["start"] = fields.pop("new_start")
        if "new_end" in fields:
            fields["end"] = fields.pop("new_end")
        day = _day(p[day_of], tz) if day_of and p.get(day_of) else None
        return Update(APPOINTMENT, p["appointment_id"], at, fields,
                      p.get("patient_id"), p.get("doctor_id"), day)
    return project


def _ticket(status: str | None, *names: str) -> Projector:
    def project(p: Mapping[str, Any], at: datetime, tz: ZoneInfo) -> Update:
        fields = _pick(p, "patient_id", "doctor_id", *names)
        if status:
            fields["status"] = status
        return Update(TICKET, p["ticket_id"], at, fields, p.get("patient_id"),
                      p.get("doctor_id"), _day(at, tz))
    return project


def _message(status: str) -> Projector:
    def project(p: Mapping[str, Any], at: datetime, tz: ZoneInfo) -> Update:
        fields = {**_pick(p, "recipient_id", "channel", "kind", "attempts"), "status": status}
        return Update(MESSAGE, p["notification_id"], at, fields, patient_id=p["recipient_id"],
                      clinic_day=_day(at, tz))
    return project


PROJECTORS: dict[str, Projector] = {
    "auth.user_registered.v1": _registered,
    "auth.user_updated.v1": _user_updated,
    "auth.user_deactivated.v1": _deactivated,
    "appointments.appointment_booked.v1": _appointment(
        "booked", "start", "end", "urgency", day_of="start"),
    "appointments.appointment_rescheduled.v1": _appointment(
        None, "new_start", "new_end", day_of="new_start"),
    "appointments.appointment_cancelled.v1": _appointment("cancelled", "late"),
    "appointments.patient_checked_in.v1": _appointment("checked_in", "urgency", "arrived_at"),
    "appointments.appointment_completed.v1": _appointment("completed", "completed_at"),
    "appointments.appointment_no_show.v1": _appointment("no_show", day_of="start"),
    "queue.ticket_issued.v1": _ticket("waiting", "number", "label", "urgency", "source",
                                      "appointment_id", "position", "eta_minutes"),
    "queue.turn_approaching.v1": _ticket(None, "people_ahead", "eta_minutes"),
    "queue.patient_called.v1": _ticket("called", "number", "label", "room", "called_at"),
    "queue.patient_served.v1": _ticket("served", "waited_seconds", "service_seconds"),
    "queue.ticket_missed.v1": _ticket("missed"),
    "queue.ticket_cancelled.v1": _ticket("left"),
    "queue.ticket_changed.v1": _ticket(None, "urgency"),
    "notifications.notification_sent.v1": _message("sent"),
    "notifications.notification_failed.v1": _message("failed"),
}


def update_for(name: str, payload: Mapping[str, Any], at: datetime,
               tz: ZoneInfo) -> Update | None:
    """What the event ``name`` (its payload as JSON) changes in the feed, if anything."""
    projector = PROJECTORS.get(name)
    return projector(payload, at, tz) if projector else None
