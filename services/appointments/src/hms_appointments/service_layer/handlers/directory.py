"""Keeping the directory from auth's events. These run inside the consumer's unit of work
(the inbox claim and the effect commit together), so they neither open nor commit it."""

from __future__ import annotations

import uuid

from hms_appointments.domain.directory import Person
from hms_appointments.service_layer.ports import UnitOfWork
from hms_contracts.auth import UserDeactivated, UserRegistered, UserUpdated
from hms_platform import directory


async def on_user_registered(event: UserRegistered, uow: UnitOfWork) -> None:
    person = await uow.people.get(event.user_id, for_update=True)
    if person is None:
        person = Person(event.user_id, event.role, event.full_name, event.department, event.room)
    else:
        person.fill_from_registration(event.role, event.full_name, event.department, event.room)
    await uow.people.save(person)


def _unknown(user_id: uuid.UUID) -> Person:
    return Person(user_id, None)


async def on_user_updated(event: UserUpdated, uow: UnitOfWork) -> None:
    await directory.apply_update(event, uow.people, _unknown)


async def on_user_deactivated(event: UserDeactivated, uow: UnitOfWork) -> None:
    await directory.deactivate(event, uow.people, _unknown)
