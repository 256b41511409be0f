"""The copy of auth's users that appointments needs: doctors (with department and room) and
patients. Events may arrive out of order (at-least-once, no global order), so a later event's
values are never overwritten by an earlier registration, and a deactivation that arrives first
leaves a tombstone the registration keeps."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from hms_appointments.domain.actor import DOCTOR, PATIENT

# The user attributes this service keeps; anything else auth changes is ignored.
KEPT = ("role", "full_name", "department", "room", "active")


@dataclass(eq=False)
class Person:
    id: uuid.UUID
    role: str | None
    full_name: str = ""
    department: str | None = None
    room: str | None = None
    active: bool = True

    @property
    def is_doctor(self) -> bool:
        return self.role == DOCTOR

    @property
    def is_patient(self) -> bool:
        return self.role == PATIENT

    def fill_from_registration(self, role: str, full_name: str, department: str | None,
                               room: str | None) -> None:
        """Registration of someone already known from a later event: fill only the gaps."""
        self.role = self.role or role
        self.full_name = self.full_name or full_name
        self.department = self.department if self.department is not None else department
        self.room = self.room if self.room is not None else room

    def apply_changes(self, changed: Mapping[str, object]) -> None:
        for name, value in changed.items():
            if name not in KEPT or (name in ("role", "full_name", "active") and value is None):
                continue
            setattr(self, name, value)
