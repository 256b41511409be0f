"""The feed from the events: each event the consumer receives renews the row of the record it
is about (in the inbox's transaction, so a redelivered event has one effect), and rows no
event renewed within the retention (and a day) are purged."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from hms_contracts.envelope import Envelope, EventPayload
from hms_sync.domain.changes import merge, update_for
from hms_sync.service_layer.ports import UnitOfWork


async def record_change(event: EventPayload, envelope: Envelope, uow: UnitOfWork,
                        tz: ZoneInfo, retention: timedelta) -> None:
    """The inbox consumer's handler for every event the feed is built from (``uow`` is the
    inbox's, already open; it commits)."""
    update = update_for(envelope.name, event.model_dump(mode="json"), envelope.occurred_at, tz)
    if update is not None:
        for _ in range(2):  # a second time if another consumer created the row meanwhile
            stored = await uow.feed.load(update.entity, update.id)  # locked until commit
            row = merge(stored, update)
            if row is None or await uow.feed.save(row, new=stored is None):
                break
    # A day past the cursors' retention: a row written by a transaction that began before a
    # pull (its time earlier than that pull's) is still there for that pull's cursor.
    await uow.feed.purge(retention + timedelta(days=1))
