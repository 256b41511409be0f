"""Texts per kind and channel (string.Template). No clinical content: times, tickets (by their
label, "B-002", as the screen and the printed ticket show them), rooms and counts only. Times
are shown in the clinic's time zone. SMS texts stay within one GSM-7 segment (160 characters)
for ordinary values. The log keeps each text as rendered with any one-time code masked
(``CODE_MASK``): never the code itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from string import Template
from typing import Any
from zoneinfo import ZoneInfo

from hms_notifications.domain.model import EMAIL, PUSH, SMS

SMS_SEGMENT = 160
CODE_MASK = "••••••"  # a one-time code, in the texts the log keeps and the API shows
T = Template

# kind -> channel -> (title or subject, body)
TEMPLATES: dict[str, dict[str, tuple[Template, Template]]] = {
    "appointment_booked": {
        SMS: (T(""), T("HMS: appointment booked for $when$with. Ref $ref. To change it, use the "
                       "app or call reception.")),
        PUSH: (T("Appointment booked"), T("$when$with. Ref $ref.")),
        EMAIL: (T("Your appointment on $when"),
                T("Hello $name,\n\nYour appointment is booked for $when$with (clinic time).\n"
                  "Reference: $ref\n\nTo move or cancel it, use the app or call reception.\n")),
    },
    "appointment_reminder": {
        SMS: (T(""), T("HMS reminder: your appointment is on $when (in $lead). Ref $ref.")),
        PUSH: (T("Appointment reminder"), T("Your appointment is on $when (in $lead).")),
    },
    "appointment_cancelled": {
        SMS: (T(""), T("HMS: your appointment ref $ref has been cancelled. Book again in the "
                       "app or at reception.")),
        EMAIL: (T("Your appointment was cancelled"),
                T("Hello $name,\n\nYour appointment (reference $ref) has been cancelled.\n"
                  "You can book again in the app or at reception.\n")),
    },
    "turn_approaching": {
        SMS: (T(""), T("HMS: your turn is near: $ahead ($eta). Please come back to the "
                       "waiting area.")),
        PUSH: (T("Your turn is near"), T("$Ahead ($eta).")),
    },
    "turn_now": {
        SMS: (T(""), T("HMS: ticket $ticket, it is your turn. Please $go now.")),
        PUSH: (T("It is your turn"), T("Ticket $ticket: please $go now.")),
    },
    "no_show_penalty": {
        EMAIL: (T("A missed appointment was recorded"),
                T("Hello $name,\n\nA missed appointment was recorded as a no-show.\n"
                  "You now have $active active no-show penalt$ies (the limit is $limit within "
                  "$window_days days).\nWhile you are at the limit you cannot book online; "
                  "reception can still book for you, and a penalty may be waived by staff.\n")),
        SMS: (T(""), T("HMS: a missed appointment was recorded. Active penalties: $active of "
                       "$limit. Details by email.")),
    },
    "activation_code": {
        SMS: (T(""), T("HMS: your activation code is $code. Use it with your phone number to "
                       "set your password. It expires $expires. Do not share it.")),
    },
    "password_reset_code": {
        SMS: (T(""), T("HMS: your password reset code is $code. It expires $expires. Do not "
                       "share it.")),
    },
}


@dataclass(frozen=True)
class Rendered:
    title: str
    body: str


def clinic_time(value: str, tz: ZoneInfo) -> str:
    return datetime.fromisoformat(value).astimezone(tz).strftime("%a %d %b %H:%M")


def render(kind: str, channel: str, params: dict[str, Any], tz: ZoneInfo, *,
           name: str = "", code: str | None = None) -> Rendered:
    """The text of one message; KeyError if the kind has no template for the channel."""
    title, body = TEMPLATES[kind][channel]
    values: dict[str, Any] = {"name": name or "patient", **params}
    if "start" in params:
        values["when"] = clinic_time(params["start"], tz)
    if "expires_at" in params:
        values["expires"] = clinic_time(params["expires_at"], tz)
    doctor = params.get("doctor") or ""
    values["with"] = f" with {doctor}" if doctor else ""
    values["ref"] = str(params.get("ref", ""))[:8].upper()
    minutes = int(params.get("lead_minutes", 0))
    values["lead"] = f"{minutes // 60} h" if minutes % 60 == 0 else f"{minutes} min"
    values["ies"] = "y" if params.get("active") == 1 else "ies"
    values.update(_queue_values(params))
    if code is not None:
        values["code"] = code
    return Rendered(title.safe_substitute(values), body.safe_substitute(values))


def _queue_values(params: dict[str, Any]) -> dict[str, str]:
    """The queue's words: a ticket by its label (a row planned from an event without one: by
    its number), where to go (a doctor without a room: in), people ahead and the wait."""
    ahead = int(params.get("people_ahead", 0))
    said = ("you are next" if ahead == 0 else "1 person is ahead of you" if ahead == 1
            else f"{ahead} people are ahead of you")
    eta = int(params.get("eta_minutes", 0))
    room = params.get("room") or ""
    return {"ticket": str(params.get("label") or params.get("number", "")),
            "go": f"go to room {room}" if room else "go in",
            "ahead": said, "Ahead": said[0].upper() + said[1:],
            "eta": f"about {eta} min" if eta > 0 else "any minute now"}


def as_logged(kind: str, channel: str, params: dict[str, Any], tz: ZoneInfo, *,
              name: str = "") -> Rendered:
    """The text as the log keeps it and the API shows it: a one-time code as ``CODE_MASK``
    (rendered so, never replaced afterwards: the code is not in hand here)."""
    return render(kind, channel, params, tz, name=name, code=CODE_MASK)
