"""Domain objects <-> bodies."""

from __future__ import annotations

import uuid
from datetime import time

from hms_notifications.domain.model import Message, Preferences, QuietHours
from hms_notifications.entrypoints.api import schemas as s
from hms_notifications.service_layer.ports import Page


def preferences(prefs: Preferences) -> s.PreferencesPublic:
    quiet = prefs.quiet_hours
    return s.PreferencesPublic(
        user_id=prefs.user_id,
        channels=[c for c in ("sms", "push", "email") if c in prefs.channels],
        quiet_hours=s.QuietHoursBody(start=f"{quiet.start:%H:%M}", end=f"{quiet.end:%H:%M}")
        if quiet else None, devices=list(prefs.devices))


def to_preferences(user_id: uuid.UUID, body: s.PreferencesBody) -> Preferences:
    """InvalidRequest (422) for quiet hours that start where they end."""
    quiet = body.quiet_hours
    return Preferences(
        user_id, frozenset(body.channels),
        QuietHours(time.fromisoformat(quiet.start), time.fromisoformat(quiet.end))
        if quiet else None, tuple(dict.fromkeys(body.devices)))


def message(msg: Message) -> s.MessagePublic:
    return s.MessagePublic(
        id=msg.id, recipient_id=msg.recipient_id, channel=msg.channel, kind=msg.kind,
        status=msg.status, dedup_key=msg.dedup_key, attempts=msg.attempts,
        created_at=msg.created_at, due_at=msg.due_at, sent_at=msg.sent_at,
        provider_status=msg.provider_status, last_error=msg.last_error, subject=msg.subject,
        body=msg.body)


def page(result: Page) -> s.MessagePage:
    return s.MessagePage(items=[message(x) for x in result.items], total=result.total,
                         limit=result.limit, offset=result.offset)
