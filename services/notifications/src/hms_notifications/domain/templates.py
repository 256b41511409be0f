"""Texts per kind and channel (string.Template). No clinical content: times, ticket numbers,
rooms and counts only. Times are shown in the clinic's time zone. SMS texts stay within one
GSM-7 segment (160 characters) for ordinary values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from string import Template
from typing import Any
from zoneinfo import ZoneInfo

from hms_notifications.domain.model import EMAIL, PUSH, SMS

SMS_SEGMENT = 160
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
        SMS: (T(""), T("HMS reminder: your appointment is $when (in $lead). Ref $ref.")),
        PUSH: (T("Appointment reminder"), T("Your appointment is $when (in $lead).")),
    },
    "appointment_cancelled": {
        SMS: (T(""), T("HMS: your appointment ref $ref has been cancelled. Book again in the "
                       "app or at reception.")),
        EMAIL: (T("Your appointment was cancelled"),
                T("Hello $name,\n\nYour appointment (reference $ref) has been cancelled.\n"
                  "You can book again in the app or at reception.\n")),
    },
    "turn_approaching": {
        SMS: (T(""), T("HMS: $people_ahead ahead of you, about $eta_minutes min. Please come "
                       "back to the waiting area.")),
        PUSH: (T("Your turn is near"), T("$people_ahead ahead of you, about $eta_minutes min.")),
    },
    "turn_now": {
        SMS: (T(""), T("HMS: ticket $number, it is your turn. Please go to room $room now.")),
        PUSH: (T("It is your turn"), T("Ticket $number: please go to room $room now.")),
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
        SMS: (T(""), T("HMS: your activation code is $code. With your phone number it sets your "
                       "password; it expires $expires. Do not share it.")),
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
    if code is not None:
        values["code"] = code
    return Rendered(title.safe_substitute(values), body.safe_substitute(values))


def channels_of(kind: str) -> tuple[str, ...]:
    return tuple(TEMPLATES.get(kind, {}))
