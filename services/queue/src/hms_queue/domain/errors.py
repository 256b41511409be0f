"""Domain errors. Each category derives from the platform's (hms_platform.domain_errors), whose
status the API answers with; the message is the problem's ``detail``, and ``problem_extra`` adds
members to the problem body."""

from __future__ import annotations

from hms_platform import domain_errors as base


class QueueError(base.DomainError):
    """Base of every error the domain and the handlers raise on purpose."""


class NotFound(QueueError, base.NotFound):
    """Unknown, or not the caller's to see (404, so that existence is not revealed)."""


class TicketNotFound(NotFound):
    pass


class DoctorNotFound(NotFound):
    pass


class PatientNotFound(NotFound):
    pass


class LineEmpty(NotFound):
    """Nobody is waiting in the doctor's line."""


class NotAllowed(QueueError, base.NotAllowed):
    """The caller may not do this (403)."""


class NotYourLine(NotAllowed):
    pass


class Conflict(QueueError, base.Conflict):
    """The request clashes with the current state (409)."""


class AlreadyQueued(Conflict):
    """The patient already holds an active ticket in that line."""


class TicketExists(Conflict):
    """A client-chosen ticket id that is already taken."""


class DoctorBusy(Conflict):
    """The doctor already has a called ticket: serve it or mark it missed first."""

    def __init__(self, ticket_id: object) -> None:
        super().__init__("You already have a called patient: serve or miss that ticket first.")
        self.problem_extra = {"called_ticket_id": str(ticket_id)}


class DoctorUnavailable(Conflict):
    """The doctor is deactivated: their line takes no new tickets."""


class IllegalTransition(Conflict):
    def __init__(self, action: str, current_status: str) -> None:
        super().__init__(f"Cannot {action} a ticket that is {current_status}.")
        self.problem_extra = {"current_status": current_status}


class InvalidRequest(QueueError, base.InvalidRequest):
    """Well-formed but breaks a rule (422)."""


class InvalidUrgency(InvalidRequest):
    pass


class InvalidDisplay(InvalidRequest):
    """A named display without a name, or with no lines or too many."""


class DisplayNotFound(NotFound):
    pass
