"""Every handler, of commands and of the events this service consumes, registered in one place
(the consumer's queue is bound to exactly the events listed here)."""

from __future__ import annotations

from hms_contracts.appointments import (
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentCompleted,
    AppointmentNoShow,
    AppointmentRescheduled,
    PatientCheckedIn,
)
from hms_contracts.auth import (
    SessionsRevoked,
    SigningKeyRotated,
    UserDeactivated,
    UserRegistered,
    UserUpdated,
)
from hms_platform.messagebus import Handler
from hms_platform.revocation import record_sessions_revoked, record_signing_key_rotated
from hms_queue.service_layer import commands as c
from hms_queue.service_layer.handlers import (
    appointments,
    calls,
    directory,
    displays,
    queries,
    tickets,
)

HANDLERS: dict[type, Handler] = {
    c.IssueTicket: tickets.issue_ticket,
    c.UpdateTicket: tickets.update_ticket,
    c.LeaveTicket: tickets.leave_ticket,
    c.CallNext: calls.call_next,
    c.ServeTicket: calls.serve_ticket,
    c.MissTicket: calls.miss_ticket,
    c.GetTicket: queries.get_ticket,
    c.MyTickets: queries.my_tickets,
    c.GetLine: queries.get_line,
    c.LineSnapshot: queries.line_snapshot,
    c.CreateDisplay: displays.create_display,
    c.ListDisplays: displays.list_displays,
    c.RevokeDisplay: displays.revoke_display,
    c.ActiveDisplay: displays.active_display,
    # events from appointments and auth, through the inbox
    PatientCheckedIn: appointments.on_patient_checked_in,
    AppointmentCancelled: appointments.on_appointment_cancelled,
    AppointmentNoShow: appointments.on_appointment_no_show,
    AppointmentCompleted: appointments.on_appointment_completed,
    AppointmentBooked: appointments.on_appointment_booked,
    AppointmentRescheduled: appointments.on_appointment_rescheduled,
    UserRegistered: directory.on_user_registered,
    UserUpdated: directory.on_user_updated,
    UserDeactivated: directory.on_user_deactivated,
    SessionsRevoked: record_sessions_revoked,
    SigningKeyRotated: record_signing_key_rotated,
}
