"""Keeping a service's directory of people from auth's events: a change or a deactivation does
the same in every service that keeps one (appointments, queue); only its ``Person`` differs.
These run inside the consumer's unit of work, so they neither open nor commit it."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Protocol, TypeVar

from hms_contracts.auth import UserDeactivated, UserUpdated


class Person(Protocol):
    active: bool

    def apply_changes(self, changed: Mapping[str, object]) -> None: ...


P = TypeVar("P", bound=Person)


class People(Protocol[P]):
    async def get(self, person_id: uuid.UUID, *, for_update: bool = False) -> P | None: ...

    async def save(self, person: P) -> None: ...


async def apply_update(event: UserUpdated, people: People[P],
                       blank: Callable[[uuid.UUID], P]) -> tuple[P, dict[str, object]]:
    """The person with the event's changes applied and saved (``blank(id)`` if not known yet:
    a later registration fills the gaps), and those changes. Only the names in ``changed``
    count: a None field may mean "unchanged" (contracts)."""
    fields = event.model_dump()
    changes = {name: fields[name] for name in event.changed if name in fields}
    person = await people.get(event.user_id, for_update=True) or blank(event.user_id)
    person.apply_changes(changes)
    await people.save(person)
    return person, changes


async def deactivate(event: UserDeactivated, people: People[P],
                     blank: Callable[[uuid.UUID], P]) -> None:
    """The person marked inactive (a blank, inactive one if not known yet)."""
    person = await people.get(event.user_id, for_update=True) or blank(event.user_id)
    person.active = False
    await people.save(person)
