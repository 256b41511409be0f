"""The feed from the events: each event the consumer receives renews the row of the record it
is about (in the inbox's transaction, so a redelivered event has one effect), and rows no
event renewed within the retention (and a day) are purged."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from hms_contracts.envelope import Envelope, EventPayload
from hms_sync.domain.changes import created, merge, update_for
from hms_sync.service_layer.ports import UnitOfWork


async def record_change(event: EventPayload, envelope: Envelope, uow: UnitOfWork,
                        tz: ZoneInfo, retention: timedelta) -> None:
    """The inbox consumer's handler for every event the feed is built from (``uow`` is the
    inbox's, already open; it commits). Most events are a record's first (a booking, a
    message): the row is inserted and the purge done in one statement; a record that has a
    row gets it back from that statement, locked, and is updated."""
    # A day past the cursors' retention: a row written by a transaction that began before a
    # pull (its time earlier than that pull's) is still there for that pull's cursor.
    purge = retention + timedelta(days=1)
    update = update_for(envelope.name, event.model_dump(mode="json"), envelope.occurred_at, tz)
    if update is None:
        await uow.feed.purge(purge)
        return
    added, stored = await uow.feed.add(created(update), purge)
    if added:
        return
    for _ in range(2):  # a second time if another consumer created the row meanwhile
        if stored is None:
            stored = await uow.feed.load(update.entity, update.id)  # locked until commit
        row = merge(stored, update)
        if row is None or await uow.feed.save(row, new=stored is None):
            break
        stored = None
