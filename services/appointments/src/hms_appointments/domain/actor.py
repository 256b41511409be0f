"""Who is acting: a user id and a role, as the verified access token says (the platform's
``Actor``, which every service means the same way)."""

from __future__ import annotations

from hms_platform.roles import ADMIN, DOCTOR, PATIENT, RECEPTIONIST, STAFF, Actor

__all__ = ["ADMIN", "DOCTOR", "PATIENT", "RECEPTIONIST", "SCHEDULER", "STAFF", "Actor"]
SCHEDULER = "scheduler"  # marked_by of automatic no-shows (docs/asyncapi.yaml)
