"""Domain errors. Each category derives from the platform's (hms_platform.domain_errors), whose
status the API answers with; the message is the problem's ``detail``, and ``problem_extra`` adds
members to the problem body."""

from __future__ import annotations

import math
from datetime import datetime, tzinfo

from hms_platform import domain_errors as base


class AppointmentsError(base.DomainError):
    """Base of every error the domain and the handlers raise on purpose."""


class NotFound(AppointmentsError, base.NotFound):
    """Unknown, or not the caller's to see (404 so that existence is not revealed)."""


class DoctorNotFound(NotFound):
    pass


class PatientNotFound(NotFound):
    pass


class AppointmentNotFound(NotFound):
    pass


class PenaltyNotFound(NotFound):
    pass


class NotAllowed(AppointmentsError, base.NotAllowed):
    """The caller's role may not do this (403)."""


class BookingBlocked(NotAllowed):
    """Too many active no-show penalties for a patient to book for themselves."""

    def __init__(self, active: int, limit: int, window_days: int) -> None:
        super().__init__(
            f"You have {active} active no-show penalties in the last {window_days} days "
            f"(the limit is {limit}), so online booking is suspended; please ask reception "
            "to book for you or to review the penalties.")
        self.problem_extra = {"active_penalties": active, "limit": limit,
                              "window_days": window_days}


class Conflict(AppointmentsError, base.Conflict):
    """The request clashes with the current state (409)."""


class AppointmentExists(Conflict):
    """A client-chosen appointment id that is already taken."""


class SlotTaken(Conflict):
    pass


class PatientBusy(Conflict):
    """The patient already holds an active appointment overlapping this time."""


class BookingLimitReached(Conflict):
    """The patient already holds as many active upcoming appointments as the cap allows."""

    def __init__(self, active: int, limit: int, *, by_staff: bool) -> None:
        way_out = ("Staff may book past the limit by giving override_reason."
                   if by_staff else "Cancel one first, or ask reception.")
        super().__init__(
            f"The patient already has {active} active upcoming appointments (the limit is "
            f"{limit}). {way_out}")
        self.problem_extra = {"active_bookings": active, "limit": limit}


class SameDoctorSameDay(Conflict):
    """The patient already holds an active appointment with this doctor on that clinic day."""


class DoctorUnavailable(Conflict):
    """The doctor is deactivated: no new bookings."""


class PatientInactive(Conflict):
    pass


class NoShowTooEarly(Conflict):
    pass


class AlreadyStarted(Conflict):
    """Once its time has come, a patient can no longer cancel or move an appointment: it is
    settled at the desk (or becomes a no-show), so penalties cannot be dodged."""


class NotCheckInDay(Conflict):
    """Check-in happens on the appointment's day (clinic time), not days ahead."""


class IllegalTransition(Conflict):
    def __init__(self, action: str, current_status: str) -> None:
        super().__init__(f"Cannot {action} an appointment that is {current_status}.")
        self.problem_extra = {"current_status": current_status}


class TooManyRequests(AppointmentsError, base.TooManyRequests):
    """The caller asked too often (429)."""


class TooManyCancellations(TooManyRequests):
    """The patient cancelled their own appointments as often as a rolling day allows (429).

    Every booking and cancellation messages the patient, so booking and cancelling in a loop
    would flood their phone. Until the oldest counted cancellation leaves the window they can
    neither book nor cancel for themselves; reception still can."""

    problem_type = "https://hms.example/problems/too-many-cancellations"
    problem_title = "Too many cancellations today"

    def __init__(self, cancellations: int, limit: int, window_hours: int,
                 retry_at: datetime, now: datetime, clinic_tz: tzinfo) -> None:
        local = retry_at.astimezone(clinic_tz)
        super().__init__(
            f"You have cancelled {cancellations} appointments in the last {window_hours} "
            f"hours (the limit is {limit}). You can book or cancel online again from "
            f"{local:%Y-%m-%d %H:%M} clinic time; until then, please ask reception.")
        self.problem_extra = {"cancellations": cancellations, "limit": limit,
                              "window_hours": window_hours, "retry_at": retry_at.isoformat()}
        self.retry_after = base.retry_later(self, math.ceil((retry_at - now).total_seconds()))


class InvalidRequest(AppointmentsError, base.InvalidRequest):
    """Well-formed but breaks a rule (422)."""


class BeyondHorizon(InvalidRequest):
    """The start is further ahead than the clinic takes bookings."""

    def __init__(self, horizon_days: int, latest: str) -> None:
        super().__init__(f"Appointments can be booked at most {horizon_days} days ahead "
                         f"(until {latest}).")
        self.problem_extra = {"horizon_days": horizon_days, "latest_start": latest}


class InvalidSchedule(InvalidRequest):
    pass


class InvalidSlot(InvalidRequest):
    """The start is not a bookable slot of the doctor."""


class NotOnSlotBoundary(InvalidSlot):
    pass


class OutsideHours(InvalidSlot):
    pass


class SlotInTimeOff(InvalidSlot):
    pass


class SlotInPast(InvalidSlot):
    pass
