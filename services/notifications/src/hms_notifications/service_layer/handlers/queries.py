"""Preferences, the log, and providers' delivery reports."""

from __future__ import annotations

from hms_notifications.domain.delivery import report_status
from hms_notifications.domain.model import Preferences
from hms_notifications.service_layer import commands as c
from hms_notifications.service_layer.ports import MessageFilter, Page, UnitOfWork


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
    """False when no message has that provider id, or the report moves it nowhere (answered
    204 all the same: the callback must not learn which ids exist). The row is read locked, so
    two reports of one message apply one after the other; only a report that moves it forward
    is written (a replayed callback changes nothing, and no report emits an event)."""
    async with uow:
        message = await uow.messages.by_provider_id(cmd.provider_id)
        if message is None or not report_status(message, cmd.status, cmd.error_code):
            return False
        await uow.messages.save(message)
        await uow.commit()
    return True
