"""Keeping the directory from auth's events (inside the consumer's unit of work)."""

from __future__ import annotations

from hms_contracts.auth import UserDeactivated, UserRegistered, UserUpdated
from hms_queue.domain.directory import Person
from hms_queue.service_layer.ports import UnitOfWork


async def on_user_registered(event: UserRegistered, uow: UnitOfWork) -> None:
    person = await uow.people.get(event.user_id, for_update=True)
    if person is None:
        person = Person(event.user_id, event.role, event.room, full_name=event.full_name)
    else:
        person.fill_from_registration(event.role, event.room, event.full_name)
    await uow.people.save(person)


async def on_user_updated(event: UserUpdated, uow: UnitOfWork) -> None:
    # Only the names in `changed` count: a None field may mean "unchanged" (contracts).
    fields = event.model_dump()
    changes = {name: fields[name] for name in event.changed if name in fields}
    person = await uow.people.get(event.user_id, for_update=True) or Person(event.user_id, None)
    person.apply_changes(changes)
    await uow.people.save(person)
    if "room" in changes or ("full_name" in changes and person.is_doctor):
        uow.line_changed(event.user_id)  # screens show the doctor's room and name


async def on_user_deactivated(event: UserDeactivated, uow: UnitOfWork) -> None:
    person = await uow.people.get(event.user_id, for_update=True) or Person(event.user_id, None)
    person.active = False
    await uow.people.save(person)
