"""The copy of auth's users that the queue needs: who is a doctor or a patient, their name
(for staff; never on the waiting-room screens' patients), whether they are active, the doctor's
room; and per doctor the slot length (from appointments' bookings) and the running average of
service times. Events may arrive out of order (at least once, no global order): a
deactivation that arrives first leaves an inactive entry."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from hms_platform.roles import DOCTOR, PATIENT

KEPT = ("role", "full_name", "room", "active")


@dataclass(eq=False)
class Person:
    id: uuid.UUID
    role: str | None
    room: str | None = None
    active: bool = True
    slot_minutes: int | None = None
    service_seconds: float | None = None  # EWMA of this doctor's visits; None: none served
    full_name: str | None = None  # None: not known yet (no event with it seen)

    @property
    def is_doctor(self) -> bool:
        return self.role == DOCTOR

    @property
    def is_patient(self) -> bool:
        return self.role == PATIENT

    def fill_from_registration(self, role: str, room: str | None,
                               full_name: str | None = None) -> None:
        """Registration of someone already known from a later event: fill only the gaps."""
        self.role = self.role or role
        self.room = self.room if self.room is not None else room
        self.full_name = self.full_name or full_name

    def apply_changes(self, changed: Mapping[str, object]) -> None:
        for name, value in changed.items():
            if name in KEPT and not (name in ("role", "full_name", "active") and value is None):
                setattr(self, name, value)
