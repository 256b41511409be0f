"""An event arrives (or is replayed): kept once in the event store, then merged into its read
model and, if it is audited, appended to the audit trail, all in the inbox's transaction.

Every event of the catalogue comes here, so each round trip counts: the event, its audit entry
and its read-model row go in one statement (``EventStore.add``). The fact is merged into a new
row first; only when the row is already stored is the fact merged into that one (locked) and
the row written back. So a fact that starts a row (a booking, a notification) costs BEGIN, the
inbox's claim, that statement and COMMIT."""

from __future__ import annotations

import dataclasses
from zoneinfo import ZoneInfo

from hms_contracts.auth import SessionsRevoked, SigningKeyRotated
from hms_contracts.envelope import Envelope, EventPayload
from hms_reporting.domain.audit import audit_entry
from hms_reporting.domain.facts import Fact
from hms_reporting.domain.projections import target
from hms_reporting.domain.rows import PersonRow
from hms_reporting.service_layer.ports import UnitOfWork


def fact_of(envelope: Envelope, event: EventPayload) -> Fact:
    return Fact(str(envelope.event_id), envelope.name, envelope.occurred_at,
                event.model_dump(), envelope.correlation_id)


async def record_event(event: EventPayload, envelope: Envelope, uow: UnitOfWork,
                       tz: ZoneInfo) -> None:
    """The inbox consumer's handler for every event (``uow`` is the inbox's, already open).
    The fact's effect is idempotent (the audit log keeps one entry per event id). The actor's
    role is the stored one; for a fact about the actor's own person row, that row's role as
    the fact leaves it (as a replay has it)."""
    fact = fact_of(envelope, event)
    found = target(fact)
    row = None
    if found is not None:  # the row as if new: inserted so with the event, unless stored
        cls, key, merge = found
        row = cls(key)
        merge(row, fact, tz)
    entry = audit_entry(fact, {})  # the actor's stored role: filled in by EventStore.add
    own = isinstance(row, PersonRow) and entry is not None and entry.actor_id == row.user_id
    kept = await uow.events.add(envelope, row, None if own else entry)
    if kept is None:
        return  # the same event id again (redelivered, or republished by its producer)
    if isinstance(event, SessionsRevoked):
        await uow.revocations.record(event.user_id, event.not_before)
    elif isinstance(event, SigningKeyRotated):
        await uow.revocations.record_key_rotation(event)
    if found is not None and kept.row is not None:  # stored: the fact merges into that row
        row, stored = kept.row, dataclasses.replace(kept.row)
        merge(row, fact, tz)
        if row != stored:  # else nothing to write back (an older fact arriving late)
            await uow.views.save(row)
    if own and isinstance(row, PersonRow):
        roles = {row.user_id: row.role} if row.role is not None else {}
        if (late := audit_entry(fact, roles)) is not None:
            await uow.audit.add(late)
