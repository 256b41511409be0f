"""The log (admin: everyone's; anyone: their own) and preferences (self)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from hms_notifications.entrypoints.api import PREFIX, views
from hms_notifications.entrypoints.api import schemas as s
from hms_notifications.entrypoints.api.deps import Bus, caller
from hms_notifications.service_layer import commands as c
from hms_notifications.service_layer.ports import MessageFilter
from hms_platform.auth import Principal, get_principal

router = APIRouter(prefix=PREFIX, tags=["notifications"], dependencies=[Depends(get_principal)])
Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


@router.get("", response_model=s.MessagePage, responses=s.problems(403))
async def list_messages(
    bus: Bus, _: Annotated[Principal, caller(c.ListMessages)],
    recipient_id: uuid.UUID | None = None, kind: s.KindName | None = None,
    status: s.StatusName | None = None, limit: Limit = 50, offset: Offset = 0,
) -> s.MessagePage:
    """Every message (admins): recipient, channel, kind, status, dedup key, attempts, times."""
    where = MessageFilter(recipient_id, kind, status)
    return views.page(await bus.handle(c.ListMessages(where, limit, offset)))


@router.get("/mine", response_model=s.MessagePage, responses=s.problems())
async def list_mine(bus: Bus, me: Annotated[Principal, caller(c.ListMine)],
                    limit: Limit = 50, offset: Offset = 0) -> s.MessagePage:
    """The caller's own messages, newest first."""
    return views.page(await bus.handle(c.ListMine(me.user_id, limit, offset)))


@router.get("/preferences", response_model=s.PreferencesPublic, responses=s.problems())
async def get_preferences(bus: Bus, me: Annotated[Principal, caller(c.GetPreferences)],
                          ) -> s.PreferencesPublic:
    return views.preferences(await bus.handle(c.GetPreferences(me.user_id)))


@router.put("/preferences", response_model=s.PreferencesPublic, responses=s.problems())
async def put_preferences(body: s.PreferencesBody, bus: Bus,
                          me: Annotated[Principal, caller(c.PutPreferences)],
                          ) -> s.PreferencesPublic:
    """Replace the caller's channels, quiet hours and push devices (FCM tokens, Web Push
    subscriptions: a subscription that is not valid, or points at a push service this server
    does not send to, is a 422 saying why)."""
    prefs = views.to_preferences(me.user_id, body)
    return views.preferences(await bus.handle(c.PutPreferences(prefs)))


@router.get("/push/key", response_model=s.PushKey, responses=s.problems())
async def push_key(bus: Bus, _: Annotated[Principal, caller(c.GetPushKey)]) -> s.PushKey:
    """The key the app subscribes to Web Push with (null: Web Push is off on this server)."""
    return s.PushKey(public_key=await bus.handle(c.GetPushKey()))
