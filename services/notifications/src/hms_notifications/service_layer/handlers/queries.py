"""Preferences, the log, and providers' delivery reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from hms_notifications.domain.delivery import report_status
from hms_notifications.domain.model import Preferences
from hms_notifications.domain.subscriptions import OriginPattern, checked_devices
from hms_notifications.service_layer import commands as c
from hms_notifications.service_layer.ports import MessageFilter, Page, UnitOfWork


async def get_preferences(cmd: c.GetPreferences, uow: UnitOfWork) -> Preferences:
    async with uow:
        return await uow.preferences.get(cmd.user_id)


async def put_preferences(cmd: c.PutPreferences, uow: UnitOfWork,
                          push_origins: Sequence[OriginPattern]) -> Preferences:
    """InvalidRequest (422) for a Web Push subscription that is not one, or whose endpoint is
    not an allowed push service's; subscriptions are kept in one form, one per endpoint."""
    prefs = replace(cmd.preferences,
                    devices=checked_devices(cmd.preferences.devices, push_origins))
    async with uow:
        await uow.preferences.put(prefs)
        await uow.commit()
    return prefs


async def get_push_key(cmd: c.GetPushKey, push_key: str | None) -> str | None:
    return push_key


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
