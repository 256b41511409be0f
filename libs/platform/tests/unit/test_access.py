"""Who may send a command and see a record, as every service means it: the command's roles,
and staff / the patient / the patient's doctor."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import ClassVar

import pytest

from hms_platform.messagebus import Command, authorize
from hms_platform.roles import Actor


class Refused(Exception):
    pass


@dataclass(frozen=True)
class Waive(Command[None]):
    roles: ClassVar[frozenset[str]] = frozenset({"admin", "receptionist"})
    actor: Actor


def test_a_command_refuses_a_role_it_does_not_declare() -> None:
    authorize(Waive(Actor(uuid.uuid4(), "admin")), action="waive", refused=Refused)
    with pytest.raises(Refused, match=r"^Only admin, receptionist may waive\.$"):
        authorize(Waive(Actor(uuid.uuid4(), "doctor")), action="waive", refused=Refused)


@pytest.mark.parametrize(("role", "whose", "seen"), [
    ("admin", "nobody's", True), ("receptionist", "nobody's", True),
    ("patient", "own", True), ("patient", "doctor's", False), ("patient", "nobody's", False),
    ("doctor", "doctor's", True), ("doctor", "own", False), ("doctor", "nobody's", False),
])
def test_staff_see_every_record_a_patient_their_own_a_doctor_theirs(
        role: str, whose: str, seen: bool) -> None:
    me = Actor(uuid.uuid4(), role)
    patient = me.user_id if whose == "own" else uuid.uuid4()
    doctor = me.user_id if whose == "doctor's" else uuid.uuid4()
    assert me.sees(patient, doctor) is seen
