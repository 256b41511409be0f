"""Every handler of a command or query, registered in one place. (Events come in through the
inbox consumer with their envelope, see service_layer.recording and entrypoints.consumer.)"""

from __future__ import annotations

from hms_platform.messagebus import Handler
from hms_reporting.service_layer import commands as c
from hms_reporting.service_layer.handlers import reports

HANDLERS: dict[type, Handler] = {
    c.AppointmentsReport: reports.appointments_report,
    c.NoShowsReport: reports.no_shows_report,
    c.PenaltiesReport: reports.penalties_report,
    c.QueueReport: reports.queue_report,
    c.NotificationsReport: reports.notifications_report,
    c.AuditTrail: reports.audit_trail,
}
