"""Domain objects -> response bodies."""

from __future__ import annotations

from hms_queue.domain.ticket import Ticket
from hms_queue.entrypoints.api import schemas as s
from hms_queue.service_layer.commands import LineView, TicketView


def ticket(view: TicketView | Ticket) -> s.TicketPublic:
    where = view if isinstance(view, TicketView) else TicketView(view)
    t = where.ticket
    return s.TicketPublic(
        id=t.id, number=t.number, label=t.label, status=t.status, patient_id=t.patient_id,
        doctor_id=t.doctor_id, clinic_day=t.clinic_day, urgency=t.urgency, source=t.source,
        appointment_id=t.appointment_id, arrived_at=t.arrived_at, called_at=t.called_at,
        closed_at=t.closed_at, misses=t.misses, position=where.position,
        people_ahead=where.people_ahead, eta_minutes=where.eta_minutes)


def line(view: LineView, limit: int, offset: int) -> s.LinePublic:
    """A doctor's line for that doctor and staff: with the patients' names."""
    def entry(where: TicketView | Ticket) -> s.LineTicketPublic:
        public = ticket(where)
        return s.LineTicketPublic(**dict(public), patient_name=view.names.get(public.patient_id))

    return s.LinePublic(
        doctor_id=view.doctor_id, doctor_name=view.doctor_name,
        clinic_day=view.day, room=view.room,
        called=entry(view.called) if view.called else None,
        waiting=[entry(w) for w in view.waiting], total_waiting=view.total_waiting,
        limit=limit, offset=offset)


def board(view: LineView) -> dict[str, object]:
    """What screens and streams show: numbers, statuses, the room and the doctor's name; no
    patient ids, names or phone numbers."""
    return {
        "doctor_id": str(view.doctor_id), "room": view.room, "doctor_name": view.doctor_name,
        "called": view.called.label if view.called else None,
        "next": [w.ticket.label for w in view.waiting], "waiting": view.total_waiting,
    }
