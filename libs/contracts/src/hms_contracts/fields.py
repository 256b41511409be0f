"""Value types shared by several events, so every producer and consumer agrees on them."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

Role = Literal["admin", "receptionist", "doctor", "patient"]
Urgency = Annotated[int, Field(ge=1, le=5, description="Triage urgency, 1..5.")]
Channel = Literal["sms", "push", "email"]
NotificationKind = Literal[
    "appointment_booked",
    "appointment_reminder",
    "appointment_cancelled",
    "turn_approaching",
    "turn_now",
    "no_show_penalty",
]
TicketSource = Literal["walk_in", "check_in"]
Count = Annotated[int, Field(ge=0)]
"""A count, position, duration or ETA: never negative."""
