"""Contact details from auth's events. These run inside the consumer's unit of work (the inbox
claim and the effect commit together), so they neither open nor commit it."""

from __future__ import annotations

from hms_contracts.auth import UserDeactivated, UserRegistered, UserUpdated
from hms_notifications.service_layer.ports import UnitOfWork

_FIELDS = ("role", "full_name", "phone_number", "email", "room", "active")


async def on_user_registered(event: UserRegistered, uow: UnitOfWork) -> None:
    await uow.contacts.update(event.user_id, {
        "role": event.role, "full_name": event.full_name, "phone_number": event.phone_number,
        "email": event.email, "room": event.room})


async def on_user_updated(event: UserUpdated, uow: UnitOfWork) -> None:
    # Only the names in `changed` count: a None field may mean "unchanged" (contracts).
    fields = event.model_dump()
    changes = {n: fields[n] for n in event.changed if n in _FIELDS}
    if changes.get("active") is None:
        changes.pop("active", None)
    if changes:
        await uow.contacts.update(event.user_id, changes)


async def on_user_deactivated(event: UserDeactivated, uow: UnitOfWork) -> None:
    """A deactivated user gets nothing more: the sender skips their pending messages."""
    await uow.contacts.update(event.user_id, {"active": False})
