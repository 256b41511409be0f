"""Rebuild every read model from the event store: emptied, then each stored event projected
again in (occurred_at, event_id) order, in one transaction (readers see the old reports until
the new ones are complete). A page of events at a time: its rows are read in one statement per
table, merged in memory by the same domain rules the consumer applies one event at a time, and
written back in one statement per table. The audit log is not emptied; its entries are kept
once per event id, so a replay only adds the ones that might be missing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from typing import Any
from zoneinfo import ZoneInfo

import structlog
from pydantic import ValidationError

from hms_contracts.envelope import Envelope
from hms_contracts.registry import UnknownEvent, parse_payload
from hms_reporting.domain.audit import AuditEntry, audit_entry, people_involved
from hms_reporting.domain.facts import Fact
from hms_reporting.domain.projections import target
from hms_reporting.domain.rows import PersonRow, Row
from hms_reporting.service_layer.ports import UnitOfWork
from hms_reporting.service_layer.recording import fact_of

log = structlog.get_logger(__name__)


async def replay(batches: AsyncIterator[list[Envelope]], uow_factory: Callable[[], UnitOfWork],
                 tz: ZoneInfo) -> int:
    """The number of events replayed."""
    replayed = skipped = 0
    async with uow_factory() as uow:
        await uow.views.empty()
        async for batch in batches:
            facts: list[Fact] = []
            for envelope in batch:
                try:
                    facts.append(fact_of(envelope, parse_payload(envelope)))
                except (UnknownEvent, ValidationError):
                    skipped += 1  # kept by an older catalogue; nothing here reads it
            await project_page(facts, uow, tz)
            replayed += len(facts)
        await uow.commit()
    log.info("reporting.replayed", events=replayed, skipped=skipped)
    return replayed


async def project_page(facts: list[Fact], uow: UnitOfWork, tz: ZoneInfo) -> None:
    """``facts`` (in order) on the read models and the audit log, as ``recording.record_event``
    would one by one."""
    keys: dict[type[Row], set[Any]] = defaultdict(set)
    for fact in facts:
        if (found := target(fact)) is not None:
            keys[found[0]].add(found[1])
    rows: dict[tuple[type[Row], Any], Row] = {}
    for cls, wanted in keys.items():
        loaded = await uow.views.load_many(cls, list(wanted))
        rows.update({(cls, k): loaded.get(k) or cls(k) for k in wanted})
    actors = {a for fact in facts for a in people_involved(fact)}
    known = await uow.views.roles(list(actors)) if actors else {}
    entries: list[AuditEntry] = []
    for fact in facts:
        if (found := target(fact)) is not None:
            cls, key, merge = found
            merge(rows[(cls, key)], fact, tz)
        involved = people_involved(fact)
        roles = {a: r for a in involved if (r := _role(a, rows, known)) is not None}
        if (entry := audit_entry(fact, roles)) is not None:
            entries.append(entry)
    for cls in keys:
        await uow.views.save_many([r for (c, _), r in rows.items() if c is cls])
    await uow.audit.add_many(entries)


def _role(user: Any, rows: dict[tuple[type[Row], Any], Row],
          known: dict[Any, str]) -> str | None:
    """The actor's role as of this fact: this page's merges first, then what was stored."""
    person = rows.get((PersonRow, user))
    if isinstance(person, PersonRow) and person.role is not None:
        return person.role
    return known.get(user)
