"""Keeping the directory from auth's events. These run inside the consumer's unit of work
(the inbox claim and the effect commit together), so they neither open nor commit it."""

from __future__ import annotations

from hms_appointments.domain.directory import Person
from hms_appointments.service_layer.commands import DeactivateUser, RegisterUser, UpdateUser
from hms_appointments.service_layer.ports import UnitOfWork


async def register_user(cmd: RegisterUser, uow: UnitOfWork) -> None:
    person = await uow.people.get(cmd.user_id, for_update=True)
    if person is None:
        person = Person(cmd.user_id, cmd.role, cmd.full_name, cmd.department, cmd.room)
    else:
        person.fill_from_registration(cmd.role, cmd.full_name, cmd.department, cmd.room)
    await uow.people.save(person)


async def update_user(cmd: UpdateUser, uow: UnitOfWork) -> None:
    person = await uow.people.get(cmd.user_id, for_update=True) or Person(cmd.user_id, None)
    person.apply_changes(cmd.changes)
    await uow.people.save(person)


async def deactivate_user(cmd: DeactivateUser, uow: UnitOfWork) -> None:
    person = await uow.people.get(cmd.user_id, for_update=True) or Person(cmd.user_id, None)
    person.active = False
    await uow.people.save(person)
