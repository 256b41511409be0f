"""A service's directory from auth's events: only the changed names apply, and a change or a
deactivation of someone not known yet leaves a blank entry for the registration to fill."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from hms_contracts.auth import UserDeactivated, UserUpdated
from hms_platform.directory import apply_update, deactivate


@dataclass
class Person:
    id: uuid.UUID
    role: str | None
    full_name: str = ""
    active: bool = True

    def apply_changes(self, changed: Mapping[str, object]) -> None:
        for name, value in changed.items():
            setattr(self, name, value)


class People(dict[uuid.UUID, Person]):
    async def get(self, person_id: uuid.UUID, *,  # type: ignore[override]
                  for_update: bool = False) -> Person | None:
        return super().get(person_id)

    async def save(self, person: Person) -> None:
        self[person.id] = person


async def test_only_the_changed_names_apply() -> None:
    known = uuid.uuid4()
    people = People({known: Person(known, "doctor", "Dr Old")})
    person, changes = await apply_update(UserUpdated(
        user_id=known, changed=["full_name"], full_name="Dr New", role="patient",
        updated_by=uuid.uuid4()), people, lambda i: Person(i, None))
    assert changes == {"full_name": "Dr New"}
    assert people[known] == person == Person(known, "doctor", "Dr New")


async def test_someone_not_known_yet_gets_a_blank_entry() -> None:
    people, first, second = People(), uuid.uuid4(), uuid.uuid4()
    await apply_update(UserUpdated(user_id=first, changed=["full_name"], full_name="Amina",
                                   updated_by=uuid.uuid4()), people, lambda i: Person(i, None))
    await deactivate(UserDeactivated(user_id=second), people, lambda i: Person(i, None))
    assert people == {first: Person(first, None, "Amina"),
                      second: Person(second, None, active=False)}
