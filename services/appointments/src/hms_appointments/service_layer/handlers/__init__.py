"""The handler of every command and query, registered in one place."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from hms_appointments.service_layer import commands as c
from hms_appointments.service_layer.handlers import (
    booking,
    lifecycle,
    no_shows,
    penalties,
    queries,
    schedules,
)

HANDLERS: dict[type, Callable[..., Awaitable[Any]]] = {
    c.SetSchedule: schedules.set_schedule,
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
    c.ListPenalties: penalties.list_penalties,
    c.WaivePenalty: penalties.waive_penalty,
}
