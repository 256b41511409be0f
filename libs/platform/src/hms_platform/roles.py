"""The four roles, the sets every service means by the same names, and the acting user as
domains see it (no framework here, so domains may import it)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

ADMIN, RECEPTIONIST, DOCTOR, PATIENT = "admin", "receptionist", "doctor", "patient"
ROLES = frozenset({ADMIN, RECEPTIONIST, DOCTOR, PATIENT})
# The desk: acts on other people's records (books for a patient, checks in, registers walk-ins).
STAFF = frozenset({ADMIN, RECEPTIONIST})
# Employees: accounts an admin creates (patients register themselves or at the desk).
EMPLOYEES = frozenset({ADMIN, RECEPTIONIST, DOCTOR})


@dataclass(frozen=True)
class Actor:
    """Who is acting: a user id and a role, as the verified access token says."""

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

    def sees(self, patient_id: uuid.UUID, doctor_id: uuid.UUID) -> bool:
        """Whether a record of that patient with that doctor is the caller's to see: staff
        see every one, a patient their own, a doctor those with them."""
        if self.is_staff:
            return True
        if self.is_patient:
            return patient_id == self.user_id
        return self.is_doctor and doctor_id == self.user_id
