"""Every handler, of commands and of the events this service consumes, registered in one place
(the consumer's queue is bound to exactly the events listed here)."""

from __future__ import annotations

from hms_appointments.service_layer import commands as c
from hms_appointments.service_layer.handlers import (
    booking,
    directory,
    lifecycle,
    no_shows,
    penalties,
    queries,
    schedules,
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

HANDLERS: dict[type, Handler] = {
    c.SetSchedule: schedules.set_schedule,
    c.GetSchedule: schedules.get_schedule,
    c.ListDoctors: schedules.list_doctors,
    c.GetSlots: schedules.get_slots,
    c.BookAppointment: booking.book_appointment,
    c.RescheduleAppointment: booking.reschedule_appointment,
    c.CancelAppointment: lifecycle.cancel_appointment,
    c.CheckIn: lifecycle.check_in,
    c.CompleteAppointment: lifecycle.complete_appointment,
    c.MarkNoShow: lifecycle.mark_no_show,
    c.MarkNoShows: no_shows.mark_no_shows,
    c.GetAppointment: queries.get_appointment,
    c.ListAppointments: queries.list_appointments,
    c.NamePeople: queries.name_people,
    c.ListPenalties: penalties.list_penalties,
    c.WaivePenalty: penalties.waive_penalty,
    # events from auth, through the inbox
    UserRegistered: directory.on_user_registered,
    UserUpdated: directory.on_user_updated,
    UserDeactivated: directory.on_user_deactivated,
    SessionsRevoked: record_sessions_revoked,
    SigningKeyRotated: record_signing_key_rotated,
}
