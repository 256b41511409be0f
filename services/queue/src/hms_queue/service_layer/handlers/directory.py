"""Keeping the directory from auth's events (inside the consumer's unit of work)."""

from __future__ import annotations

import uuid

from hms_contracts.auth import UserDeactivated, UserRegistered, UserUpdated
from hms_platform import directory
from hms_platform.roles import PATIENT
from hms_queue.domain.directory import Person
from hms_queue.service_layer.ports import UnitOfWork


async def on_user_registered(event: UserRegistered, uow: UnitOfWork) -> None:
    person = await uow.people.get(event.user_id, for_update=True)
    if person is None:
        person = Person(event.user_id, event.role, event.room, full_name=event.full_name)
    else:
        person.fill_from_registration(event.role, event.room, event.full_name)
    await uow.people.save(person)


def _unknown(user_id: uuid.UUID) -> Person:
    return Person(user_id, None)


async def on_user_updated(event: UserUpdated, uow: UnitOfWork) -> None:
    person, changes = await directory.apply_update(event, uow.people, _unknown)
    if "room" in changes or ("full_name" in changes and person.is_doctor):
        uow.line_changed(event.user_id)  # screens show the doctor's room and name


async def on_user_deactivated(event: UserDeactivated, uow: UnitOfWork) -> None:
    await directory.deactivate(event, uow.people, _unknown)


async def vouched_patient(uow: UnitOfWork, patient_id: uuid.UUID, full_name: str) -> None:
    """A patient auth vouched for (its signed voucher) before its event got here: the same
    upsert as ``on_user_registered``, so whichever comes first, the other changes nothing."""
    person = await uow.people.get(patient_id, for_update=True)
    if person is None:
        person = Person(patient_id, PATIENT, None, full_name=full_name)
    elif person.role is not None:
        return
    else:
        person.fill_from_registration(PATIENT, None, full_name)
    await uow.people.save(person)
