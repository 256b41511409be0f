"""Who is acting: a user id and a role, as the verified access token says (the platform's
``Actor``, which every service means the same way)."""

from __future__ import annotations

import uuid

from hms_platform.roles import ADMIN, DOCTOR, PATIENT, RECEPTIONIST, STAFF, Actor

__all__ = ["ADMIN", "DOCTOR", "PATIENT", "RECEPTIONIST", "STAFF", "SYSTEM", "Actor"]


# Changes made on another service's event (a cancelled appointment), not by a person.
SYSTEM = Actor(uuid.UUID(int=0), "system")
