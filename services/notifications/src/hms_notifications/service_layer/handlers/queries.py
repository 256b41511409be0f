"""Preferences, the log, and providers' delivery reports."""

from __future__ import annotations

from hms_notifications.domain import model as m
from hms_notifications.domain.model import Preferences
from hms_notifications.service_layer import commands as c
from hms_notifications.service_layer.ports import MessageFilter, Page, UnitOfWork

# Twilio's MessageStatus values that end a message's journey.
_TWILIO_FINAL = {"delivered": m.DELIVERED, "undelivered": m.UNDELIVERED, "failed": m.UNDELIVERED}


async def get_preferences(cmd: c.GetPreferences, uow: UnitOfWork) -> Preferences:
    async with uow:
        return await uow.preferences.get(cmd.user_id)


async def put_preferences(cmd: c.PutPreferences, uow: UnitOfWork) -> Preferences:
    async with uow:
        await uow.preferences.put(cmd.preferences)
        await uow.commit()
    return cmd.preferences


async def list_mine(cmd: c.ListMine, uow: UnitOfWork) -> Page:
    async with uow:
        return await uow.messages.list(MessageFilter(recipient_id=cmd.user_id), cmd.limit,
                                       cmd.offset)


async def list_messages(cmd: c.ListMessages, uow: UnitOfWork) -> Page:
    async with uow:
        return await uow.messages.list(cmd.where, cmd.limit, cmd.offset)


async def record_provider_status(cmd: c.RecordProviderStatus, uow: UnitOfWork) -> bool:
    """False when no message has that provider id (answered 204 all the same: the callback
    must not learn which ids exist)."""
    async with uow:
        message = await uow.messages.by_provider_id(cmd.provider_id)
        if message is None:
            return False
        message.provider_status = cmd.status
        if cmd.status in _TWILIO_FINAL and message.status in (m.SENT, m.DELIVERED):
            message.status = _TWILIO_FINAL[cmd.status]
            if cmd.error_code:
                message.last_error = f"twilio error {cmd.error_code}"
        await uow.messages.save(message)
        await uow.commit()
    return True
