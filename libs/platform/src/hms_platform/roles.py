"""The four roles and the sets every service means by the same names (no framework here, so
domains may import it)."""

from __future__ import annotations

ADMIN, RECEPTIONIST, DOCTOR, PATIENT = "admin", "receptionist", "doctor", "patient"
ROLES = frozenset({ADMIN, RECEPTIONIST, DOCTOR, PATIENT})
# The desk: acts on other people's records (books for a patient, checks in, registers walk-ins).
STAFF = frozenset({ADMIN, RECEPTIONIST})
# Employees: accounts an admin creates (patients register themselves or at the desk).
EMPLOYEES = frozenset({ADMIN, RECEPTIONIST, DOCTOR})
ANYONE_SIGNED_IN = ROLES
