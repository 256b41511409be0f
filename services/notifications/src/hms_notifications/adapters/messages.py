"""The message log in Postgres: UNIQUE (dedup_key, channel) makes each message once, the
claim (FOR UPDATE SKIP LOCKED, a lease in ``claimed_until``) lets any number of senders share
the work without sending anything twice, and the hourly cap counts under advisory locks on the
recipient and the address, so that replicas planning at once cannot both pass it."""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID, insert
from sqlalchemy.ext.asyncio import AsyncConnection

from hms_notifications.adapters.orm import messages
from hms_notifications.domain import model as m
from hms_notifications.service_layer.ports import MessageFilter, Page

_FIELDS = ("id", "recipient_id", "kind", "channel", "dedup_key", "due_at", "created_at",
           "subject_id", "params", "status", "attempts", "sent_at", "provider_id",
           "provider_status", "last_error", "destination", "subject", "body")
_COLUMNS = [messages.c[n] for n in _FIELDS]
_MUTABLE = ("status", "attempts", "due_at", "sent_at", "provider_id", "provider_status",
            "last_error", "subject", "body")


def _message(row: Sequence[Any]) -> m.Message:
    return m.Message(*row)


# What went or may still go out: a capped, cancelled or skipped row never did.
_COUNTED = messages.c.status.not_in([m.CAPPED, m.CANCELLED, m.SKIPPED])

# New messages wake the senders at once (delivered at commit): they poll only for what falls
# due later (reminders, retries) and for notices lost while their LISTEN was down.
DUE_CHANNEL = "hms_notifications_due"

# The rows travel as one JSON array (``:rows``, typed by the record's columns), so the statement
# is one whatever their number, compiled once and prepared once per connection; the NOTIFY is
# in it (once, and only if a row was new), as the outbox's (hms_platform.outbox.tables).
_ROWS = (sa.func.jsonb_to_recordset(sa.cast(sa.bindparam("rows", type_=sa.Text), JSONB))
         .table_valued(*(sa.column(n, messages.c[n].type) for n in _FIELDS))
         .render_derived("r", with_types=True))
_ADDED = (insert(messages).from_select(_FIELDS, sa.select(*_ROWS.c))
          .on_conflict_do_nothing(index_elements=[messages.c.dedup_key, messages.c.channel])
          .returning(messages.c.id).cte("added"))
_ADD = (sa.select(sa.func.array_agg(_ADDED.c.id).label("ids"),
                  sa.func.pg_notify(DUE_CHANNEL, ""))
        .having(sa.func.count() > 0))

# Every key of a plan, locked in the order given (sorted: two planners wanting the same keys
# cannot deadlock), in one statement.
_KEYS = (sa.func.unnest(sa.bindparam("keys", type_=ARRAY(sa.Text)))
         .table_valued("key", with_ordinality="n").render_derived("k"))
_ORDERED = sa.select(_KEYS.c.key).order_by(_KEYS.c.n).subquery("ordered")
_LOCK_RECIPIENTS = sa.select(sa.func.pg_advisory_xact_lock(
    sa.func.hashtext("notifications.recipient_cap"), sa.func.hashtext(_ORDERED.c.key)))

# Each message's count of the hourly cap (SqlMessageRepository.count_recent), all in one
# statement: a row per message, in order.
_OF = (sa.func.unnest(*(sa.bindparam(n, type_=ARRAY(t)) for n, t in (
    ("recipients", UUID(as_uuid=True)), ("destinations", sa.Text), ("kinds", sa.Text),
    ("channels", sa.Text), ("keys", sa.Text))))
       .table_valued("recipient_id", "destination", "kind", "channel", "dedup_key",
                     with_ordinality="n").render_derived("msg"))
_RECENT = (sa.select(sa.func.count(sa.distinct(messages.c.dedup_key)))
           .where(sa.or_(messages.c.recipient_id == _OF.c.recipient_id,
                         messages.c.destination == _OF.c.destination),
                  messages.c.kind == _OF.c.kind, messages.c.channel == _OF.c.channel,
                  messages.c.created_at >= sa.bindparam("since"),
                  messages.c.dedup_key != _OF.c.dedup_key, _COUNTED)
           .scalar_subquery())
_COUNT_RECENT = sa.select(_RECENT).select_from(_OF).order_by(_OF.c.n)


# The sender's claim and record, built once (a statement built per call spent more on its
# cache key than on its work). The claim: due or abandoned rows, locked, skipping those another
# sender holds; UPDATE ... FROM them, so RETURNING sees what each row was before the claim.
_DUE = (sa.select(messages.c.id, (messages.c.status == m.SENDING).label("reclaimed"))
        .where(sa.or_(sa.and_(messages.c.status == m.PENDING,
                              messages.c.due_at <= sa.bindparam("now")),
                      sa.and_(messages.c.status == m.SENDING,
                              messages.c.claimed_until <= sa.bindparam("now"))))
        .order_by(messages.c.due_at).limit(sa.bindparam("limit"))
        .with_for_update(skip_locked=True).cte("due"))
_CLAIM = (sa.update(messages).where(messages.c.id == _DUE.c.id)
          .values(status=m.SENDING, claimed_until=sa.bindparam("lease_until"),
                  claim_token=sa.bindparam("token"), attempts=messages.c.attempts + 1)
          .returning(*_COLUMNS, _DUE.c.reclaimed))
# An outcome, recorded only while the claim is still this sender's.
_FINISH = (sa.update(messages)
           .where(messages.c.id == sa.bindparam("message_id"), messages.c.status == m.SENDING,
                  messages.c.claim_token == sa.bindparam("token"))
           .values(**{n: sa.bindparam(f"new_{n}", type_=messages.c[n].type) for n in _MUTABLE},
                   claimed_until=None, claim_token=None)
           .returning(messages.c.id))


def _json(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


class SqlMessageRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def add(self, items: Sequence[m.Message]) -> list[uuid.UUID]:
        if not items:
            return []
        rows = json.dumps([{n: _json(getattr(msg, n)) for n in _FIELDS} for msg in items])
        added = (await self.conn.execute(_ADD, {"rows": rows})).scalar_one_or_none()
        return list(added or ())

    async def lock_recipients(self, keys: Sequence[str]) -> None:
        if keys:
            await self.conn.execute(_LOCK_RECIPIENTS, {"keys": sorted(set(keys))})

    async def count_recent(self, items: Sequence[m.Message], since: datetime) -> list[int]:
        if not items:
            return []
        return [int(n) for n in (await self.conn.execute(_COUNT_RECENT, {
            "recipients": [x.recipient_id for x in items],
            "destinations": [x.destination for x in items],
            "kinds": [x.kind for x in items], "channels": [x.channel for x in items],
            "keys": [x.dedup_key for x in items], "since": since})).scalars()]

    async def cancel_pending(self, subject_id: uuid.UUID, kinds: Collection[str],
                             reason: str) -> int:
        result = await self.conn.execute(
            sa.update(messages).where(messages.c.subject_id == subject_id,
                                      messages.c.kind.in_(sorted(kinds)),
                                      messages.c.status == m.PENDING)
            .values(status=m.CANCELLED, last_error=reason).returning(messages.c.id))
        return len(result.all())

    async def recipient_of(self, subject_id: uuid.UUID) -> uuid.UUID | None:
        return (await self.conn.execute(
            sa.select(messages.c.recipient_id).where(messages.c.subject_id == subject_id)
            .limit(1))).scalar_one_or_none()

    async def claim_due(self, now: datetime, lease_until: datetime, limit: int,
                        token: uuid.UUID) -> list[m.Message]:
        result = await self.conn.execute(_CLAIM, {"now": now, "lease_until": lease_until,
                                                  "limit": limit, "token": token})
        claimed = [dataclasses.replace(_message(r[:-1]), reclaimed=bool(r[-1])) for r in result]
        return sorted(claimed, key=lambda msg: msg.due_at)

    async def provider_ids_taken(self, provider_ids: Collection[str]) -> set[str]:
        if not provider_ids:
            return set()
        rows = await self.conn.execute(
            sa.select(messages.c.provider_id)
            .where(messages.c.provider_id.in_(sorted(set(provider_ids)))))
        return {row.provider_id for row in rows}

    async def finish(self, message: m.Message, token: uuid.UUID) -> bool:
        result = await self.conn.execute(_FINISH, {
            **{f"new_{n}": getattr(message, n) for n in _MUTABLE}, "message_id": message.id,
            "token": token})
        return result.first() is not None

    async def by_provider_id(self, provider_id: str) -> m.Message | None:
        row = (await self.conn.execute(
            sa.select(*_COLUMNS).where(messages.c.provider_id == provider_id)
            .with_for_update())).first()
        return _message(row) if row else None

    async def save(self, message: m.Message) -> None:
        await self.conn.execute(sa.update(messages).where(messages.c.id == message.id)
                                .values(**{n: getattr(message, n) for n in _MUTABLE}))

    async def list(self, where: MessageFilter, limit: int, offset: int) -> Page:
        conditions = [messages.c[n] == getattr(where, n)
                      for n in ("recipient_id", "kind", "status") if getattr(where, n)]
        total = (await self.conn.execute(
            sa.select(sa.func.count()).select_from(messages).where(*conditions))).scalar_one()
        rows = await self.conn.execute(
            sa.select(*_COLUMNS).where(*conditions)
            .order_by(messages.c.created_at.desc(), messages.c.id).limit(limit).offset(offset))
        return Page([_message(r) for r in rows], int(total), limit, offset)
