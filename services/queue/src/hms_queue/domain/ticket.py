"""A ticket in a doctor's line for one clinic day: ``waiting -> called -> served``; a called
patient who does not come goes back to the end of the line once, then ``missed``; a waiting or
called ticket may be ``cancelled`` (the patient left, or the appointment was cancelled). Every
move is kept in the ticket's history with who and when, and records its event."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from hms_queue.domain import errors as exc
from hms_queue.domain import events as ev
from hms_queue.domain.actor import SYSTEM, Actor
from hms_queue.domain.numbering import label

Status = Literal["waiting", "called", "served", "missed", "cancelled"]
ACTIVE: frozenset[str] = frozenset({"waiting", "called"})
Source = Literal["walk_in", "check_in"]


def check_urgency(urgency: int) -> int:
    if not 1 <= urgency <= 5:
        raise exc.InvalidUrgency("Urgency is 1 (most urgent) to 5 (routine).")
    return urgency


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    action: str
    by: uuid.UUID
    detail: dict[str, object] = field(default_factory=dict)


@dataclass(eq=False)
class Ticket:
    id: uuid.UUID
    doctor_id: uuid.UUID
    clinic_day: date
    letter: str
    number: int
    patient_id: uuid.UUID
    urgency: int
    source: Source
    arrived_at: datetime
    queued_at: datetime  # when it joined the end of the line: the FIFO and aging clock
    appointment_id: uuid.UUID | None = None
    status: Status = "waiting"
    called_at: datetime | None = None
    closed_at: datetime | None = None
    misses: int = 0
    turn_notified: bool = False
    # Per field (urgency, doctor_id, status): when last written and whether by staff, for
    # offline writes' last-write-wins (hms_platform.last_write).
    field_times: dict[str, Any] = field(default_factory=dict)
    history: list[HistoryEntry] = field(default_factory=list)  # entries not yet stored
    events: list[ev.DomainEvent] = field(default_factory=list)
    # The last command's HMS-Write-Outcome (applied / superseded), for offline writes only.
    write_outcome: str | None = field(default=None, init=False, repr=False)

    @classmethod
    def issue(cls, *, doctor_id: uuid.UUID, clinic_day: date, letter: str, number: int,
              patient_id: uuid.UUID, urgency: int, source: Source, now: datetime,
              by: uuid.UUID, appointment_id: uuid.UUID | None = None,
              ticket_id: uuid.UUID | None = None) -> Ticket:
        ticket = cls(ticket_id or uuid.uuid4(), doctor_id, clinic_day, letter, number,
                     patient_id, check_urgency(urgency), source, now, now, appointment_id)
        ticket._log(now, "issued", by, source=source, urgency=urgency)
        return ticket

    @property
    def label(self) -> str:
        return label(self.letter, self.number)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    def issued(self, position: int, eta: int, by: uuid.UUID | None = None) -> None:
        self.events.append(ev.TicketIssued(
            self.id, self.number, self.patient_id, self.doctor_id, self.urgency, self.source,
            self.appointment_id, position, eta, _person(by), self.label))

    def call(self, now: datetime, by: uuid.UUID, room: str) -> None:
        self._require("call", "waiting")
        self.status, self.called_at = "called", now
        self._log(now, "called", by)
        self.events.append(ev.PatientCalled(self.id, self.number, self.patient_id,
                                            self.doctor_id, room, now, self.label))

    def serve(self, now: datetime, by: uuid.UUID) -> float:
        """Served; returns the visit's length in seconds (for the doctor's average)."""
        self._require("serve", "called")
        assert self.called_at is not None
        service = max(0.0, (now - self.called_at).total_seconds())
        waited = max(0.0, (self.called_at - self.arrived_at).total_seconds())
        self.status, self.closed_at = "served", now
        self._log(now, "served", by)
        self.events.append(ev.PatientServed(self.id, self.patient_id, self.doctor_id,
                                            int(waited), int(service)))
        return service

    def miss(self, now: datetime, by: uuid.UUID) -> None:
        """Called but absent: back to the end of the line the first time, then missed."""
        self._require("mark missing", "called")
        if self.misses == 0:
            self.misses, self.status, self.called_at = 1, "waiting", None
            self.queued_at, self.turn_notified = now, False
            self._log(now, "requeued", by)
            return
        self.status, self.closed_at = "missed", now
        self._log(now, "missed", by)
        self.events.append(ev.TicketMissed(self.id, self.patient_id, self.doctor_id,
                                           _person(by)))

    def cancel(self, now: datetime, by: uuid.UUID, reason: str) -> None:
        if not self.is_active:
            raise exc.IllegalTransition("cancel", self.status)
        self.status, self.closed_at = "cancelled", now
        self._log(now, "cancelled", by, reason=reason)
        self.events.append(ev.TicketCancelled(self.id, self.patient_id, self.doctor_id,
                                              _person(by)))

    def change_urgency(self, urgency: int, now: datetime, actor: Actor) -> None:
        self._require("change the urgency of", "waiting")
        old, self.urgency = self.urgency, check_urgency(urgency)
        self._log(now, "urgency_changed", actor.user_id, old=old, new=urgency)
        self.events.append(ev.TicketChanged(self.id, actor.user_id, urgency=urgency))

    def transfer(self, doctor_id: uuid.UUID, clinic_day: date, letter: str, number: int,
                 now: datetime, actor: Actor) -> None:
        """To another doctor's line, keeping its place in time (arrival and join time)."""
        self._require("transfer", "waiting")
        old = self.doctor_id
        self.doctor_id, self.clinic_day, self.letter, self.number = (doctor_id, clinic_day,
                                                                     letter, number)
        self.turn_notified = False
        self._log(now, "transferred", actor.user_id, from_doctor=str(old), to_doctor=str(doctor_id))
        self.events.append(ev.TicketChanged(self.id, actor.user_id, doctor_id=doctor_id))

    def approach(self, people_ahead: int, eta: int) -> None:
        """Few enough people ahead: tell the patient, once per ticket."""
        if self.turn_notified or self.status != "waiting":
            return
        self.turn_notified = True
        self.events.append(ev.TurnApproaching(self.id, self.patient_id, self.doctor_id,
                                              people_ahead, eta))

    def _require(self, action: str, status: Status) -> None:
        if self.status != status:
            raise exc.IllegalTransition(action, self.status)

    def _log(self, at: datetime, action: str, by: uuid.UUID, **detail: object) -> None:
        self.history.append(HistoryEntry(at, action, by, dict(detail)))


def _person(by: uuid.UUID | None) -> uuid.UUID | None:
    """Who did it, for the events: a person's id, or None for the queue itself (SYSTEM)."""
    return None if by is None or by == SYSTEM.user_id else by
