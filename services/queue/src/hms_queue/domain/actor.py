"""Who is acting: a user id and a role, as the verified access token says."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from hms_platform.roles import ADMIN, DOCTOR, PATIENT, RECEPTIONIST, STAFF

__all__ = ["ADMIN", "DOCTOR", "PATIENT", "RECEPTIONIST", "STAFF", "SYSTEM", "Actor"]


@dataclass(frozen=True)
class Actor:
    user_id: uuid.UUID
    role: str

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF

    @property
    def is_patient(self) -> bool:
        return self.role == PATIENT

    @property
    def is_doctor(self) -> bool:
        return self.role == DOCTOR


# Changes made on another service's event (a cancelled appointment), not by a person.
SYSTEM = Actor(uuid.UUID(int=0), "system")
