"""An event arrives (or is replayed): kept once in the event store, then merged into its read
model and, if it is audited, appended to the audit trail, all in the inbox's transaction."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from hms_contracts.auth import SessionsRevoked, SigningKeyRotated
from hms_contracts.envelope import Envelope, EventPayload
from hms_reporting.domain.audit import audit_entry, people_involved
from hms_reporting.domain.facts import Fact
from hms_reporting.domain.projections import target
from hms_reporting.service_layer.ports import UnitOfWork


def fact_of(envelope: Envelope, event: EventPayload) -> Fact:
    return Fact(str(envelope.event_id), envelope.name, envelope.occurred_at,
                event.model_dump(), envelope.correlation_id)


async def project(fact: Fact, uow: UnitOfWork, tz: ZoneInfo) -> None:
    """The fact's effect on the read models and the audit trail (idempotent: a replay may run
    it again; the audit log keeps one entry per event id)."""
    found = target(fact)
    if found is not None:
        cls, key, merge = found
        row = await uow.views.load(cls, key)
        merge(row, fact, tz)
        await uow.views.save(row)
    involved = people_involved(fact)
    entry = audit_entry(fact, await uow.views.roles(involved) if involved else {})
    if entry is not None:
        await uow.audit.add(entry)


async def record_event(event: EventPayload, envelope: Envelope, uow: Any, tz: ZoneInfo) -> None:
    """The inbox consumer's handler for every event (``uow`` is the inbox's, already open)."""
    if not await uow.events.add(envelope):
        return  # the same event id again (redelivered, or republished by its producer)
    if isinstance(event, SessionsRevoked):
        await uow.revocations.record(event.user_id, event.not_before)
    elif isinstance(event, SigningKeyRotated):
        await uow.revocations.record_key_rotation(event)
    await project(fact_of(envelope, event), uow, tz)
