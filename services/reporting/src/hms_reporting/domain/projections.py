"""How each fact changes a read-model row. Every rule is a merge: fields that never change
(ids) are kept once known, fields that do change keep the value of the newest fact (by stamp),
and a status also has a rank, so a later stage is never overwritten by an earlier one that
arrives late. Applying the same facts in any order, any number of times, gives the same row."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from hms_reporting.domain.facts import Fact
from hms_reporting.domain.rows import (
    AppointmentRow,
    NotificationRow,
    PenaltyRow,
    PersonRow,
    Row,
    TicketRow,
)

# kind -> (status, rank): a higher rank is a later stage; a tie goes to the newer fact.
APPOINTMENT_STATUS = {
    "appointment_booked": ("booked", 0), "patient_checked_in": ("checked_in", 1),
    "appointment_completed": ("completed", 2), "appointment_no_show": ("no_show", 2),
    "appointment_cancelled": ("cancelled", 2),
}
TICKET_STATUS = {
    "ticket_issued": ("waiting", 0), "patient_called": ("called", 1),
    "patient_served": ("served", 2), "ticket_missed": ("missed", 2),
    "ticket_cancelled": ("cancelled", 2),
}
NOTIFICATION_STATUS = {"notification_sent": "sent", "notification_failed": "failed"}
# A failure with a reason is not the provider's: notification_failed with reason "capped"
# is a message the hourly cap per recipient held back (never sent).
NOTIFICATION_REASONS = {"capped"}
START_FIELD = {"appointment_booked": "start", "appointment_rescheduled": "new_start",
               "appointment_no_show": "start"}


def _newer(stamp: str, current: str | None) -> bool:
    return current is None or stamp > current


def _outranks(rank: int, stamp: str, row_rank: int, row_stamp: str | None) -> bool:
    return rank > row_rank or (rank == row_rank and _newer(stamp, row_stamp))


def _first(current: Any, value: Any) -> Any:
    return current if current is not None else value


def _earliest(current: datetime | None, value: datetime) -> datetime:
    return value if current is None or value < current else current


def apply_appointment(row: AppointmentRow, fact: Fact, tz: ZoneInfo) -> None:
    d = fact.data
    row.patient_id = _first(row.patient_id, d.get("patient_id"))
    row.doctor_id = _first(row.doctor_id, d.get("doctor_id"))
    field = START_FIELD.get(fact.kind)
    if field and d.get(field) is not None and _newer(fact.stamp, row.start_stamp):
        row.start, row.start_stamp = d[field], fact.stamp
        row.day = d[field].astimezone(tz).date()
    if fact.kind in APPOINTMENT_STATUS:
        status, rank = APPOINTMENT_STATUS[fact.kind]
        if _outranks(rank, fact.stamp, row.status_rank, row.status_stamp):
            row.status, row.status_rank, row.status_stamp = status, rank, fact.stamp


def apply_ticket(row: TicketRow, fact: Fact, tz: ZoneInfo) -> None:
    d = fact.data
    row.patient_id = _first(row.patient_id, d.get("patient_id"))
    if d.get("doctor_id") is not None and _newer(fact.stamp, row.doctor_stamp):
        row.doctor_id, row.doctor_stamp = d["doctor_id"], fact.stamp
    row.first_at = _earliest(row.first_at, fact.occurred_at)
    row.day = row.first_at.astimezone(tz).date()
    if fact.kind == "patient_served":
        row.waited_seconds, row.service_seconds = d["waited_seconds"], d["service_seconds"]
    if fact.kind in TICKET_STATUS:
        status, rank = TICKET_STATUS[fact.kind]
        if _outranks(rank, fact.stamp, row.status_rank, row.status_stamp):
            row.status, row.status_rank, row.status_stamp = status, rank, fact.stamp


def apply_penalty(row: PenaltyRow, fact: Fact, tz: ZoneInfo) -> None:
    d = fact.data
    row.patient_id = _first(row.patient_id, d.get("patient_id"))
    row.doctor_id = _first(row.doctor_id, d.get("doctor_id"))
    row.appointment_id = _first(row.appointment_id, d.get("appointment_id"))
    if fact.kind == "no_show_penalty_applied":
        row.applied_day = fact.occurred_at.astimezone(tz).date()
    if fact.kind == "penalty_waived":
        row.waived = True  # a waiver is final, whenever it arrives


def apply_notification(row: NotificationRow, fact: Fact, tz: ZoneInfo) -> None:
    d = fact.data
    for name in ("recipient_id", "channel", "kind", "dedup_key"):
        setattr(row, name, _first(getattr(row, name), d.get(name)))
    row.first_at = _earliest(row.first_at, fact.occurred_at)
    row.day = row.first_at.astimezone(tz).date()
    if _newer(fact.stamp, row.status_stamp):
        reason = d.get("reason")
        status = reason if reason in NOTIFICATION_REASONS else NOTIFICATION_STATUS[fact.kind]
        row.status, row.status_stamp = status, fact.stamp
        row.attempts = d.get("attempts")


def apply_person(row: PersonRow, fact: Fact, tz: ZoneInfo) -> None:
    d = fact.data
    changed = set(d.get("changed", ())) if fact.kind == "user_updated" else None
    if fact.kind == "user_deactivated":
        changed, d = {"active"}, {"active": False}
    for name, stamp in (("full_name", "name_stamp"), ("role", "role_stamp"),
                        ("active", "active_stamp")):
        given = name in d if changed is None else name in changed
        if given and d.get(name) is not None and _newer(fact.stamp, getattr(row, stamp)):
            setattr(row, name, d[name])
            setattr(row, stamp, fact.stamp)


Apply = Callable[[Any, Fact, ZoneInfo], None]
# kind -> (row class, key field, merge): which read model a fact changes.
PROJECTIONS: dict[str, tuple[type[Row], str, Apply]] = {
    **{k: (AppointmentRow, "appointment_id", apply_appointment)
       for k in (*APPOINTMENT_STATUS, "appointment_rescheduled")},
    **{k: (TicketRow, "ticket_id", apply_ticket) for k in (*TICKET_STATUS, "ticket_changed")},
    **{k: (PenaltyRow, "penalty_id", apply_penalty)
       for k in ("no_show_penalty_applied", "penalty_waived")},
    **{k: (NotificationRow, "notification_id", apply_notification) for k in NOTIFICATION_STATUS},
    **{k: (PersonRow, "user_id", apply_person)
       for k in ("user_registered", "user_updated", "user_deactivated")},
}


def target(fact: Fact) -> tuple[type[Row], Any, Apply] | None:
    """(row class, key, merge) of the read model this fact changes, or None."""
    found = PROJECTIONS.get(fact.kind)
    if found is None or found[1] not in fact.data:
        return None
    cls, key, merge = found
    return cls, fact.data[key], merge

