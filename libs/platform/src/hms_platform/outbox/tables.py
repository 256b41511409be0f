"""The outbox and inbox tables, created in each service's own schema."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID, insert
from sqlalchemy.ext.asyncio import AsyncConnection

from hms_contracts.envelope import Envelope


class OutboxTables:
    """``<schema>.outbox`` and ``<schema>.inbox`` on a service's MetaData.

    A service's Alembic migration creates them with :meth:`create_ops` (or its env runs
    ``metadata.create_all`` in tests); all SQL on them lives here and in the relay.
    """

    def __init__(self, metadata: sa.MetaData, schema: str) -> None:
        self.schema = schema
        self._insert: sa.TextClause | None = None
        self._claim: sa.Insert | None = None
        self.outbox = sa.Table(
            "outbox", metadata,
            sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
            sa.Column("event_id", UUID(as_uuid=True), nullable=False, unique=True),
            sa.Column("name", sa.String(200), nullable=False),
            sa.Column("body", JSONB, nullable=False),
            sa.Column("correlation_id", sa.String(200)),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                      server_default=sa.func.now()),
            sa.Column("published_at", sa.DateTime(timezone=True)),
            sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
            sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False,
                      server_default=sa.func.now()),
            sa.Column("last_error", sa.Text),
            # The relay's scan touches only unpublished rows, however long the history grows.
            sa.Index(f"ix_{schema}_outbox_unpublished", "next_attempt_at", "id",
                     postgresql_where=sa.text("published_at IS NULL")),
            schema=schema,
        )
        self.inbox = sa.Table(
            "inbox", metadata,
            sa.Column("consumer", sa.String(100), primary_key=True),
            sa.Column("event_id", UUID(as_uuid=True), primary_key=True),
            sa.Column("name", sa.String(200), nullable=False),
            sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False,
                      server_default=sa.func.now()),
            schema=schema,
        )

    @property
    def notify_channel(self) -> str:
        return f"hms_outbox_{self.schema}"

    @property
    def insert_statement(self) -> sa.TextClause:
        """Every write of events, whatever their number: one fixed statement, so SQLAlchemy
        compiles it once per engine. The rows travel as one JSON array (``:rows``), inserted in
        array order (the relay publishes in id order), and NOTIFY is transactional: delivered
        only if and when this transaction commits. (A multi-row ``insert().values([...])`` in
        a CTE has no cache key and was compiled again on every commit.)"""
        if self._insert is None:
            self._insert = sa.text(f"""
WITH written AS (
  INSERT INTO "{self.schema}".outbox (event_id, name, body, correlation_id)
  SELECT (r.doc->>'event_id')::uuid, r.doc->>'name', r.doc->'body', r.doc->>'correlation_id'
  FROM jsonb_array_elements(CAST(:rows AS text)::jsonb) WITH ORDINALITY AS r(doc, n)
  ORDER BY r.n
  RETURNING id
)
SELECT pg_notify(:channel, '') FROM (SELECT count(*) FROM written) AS done""").bindparams(
                sa.bindparam("rows", type_=sa.Text), sa.bindparam("channel", type_=sa.Text))
        return self._insert

    @staticmethod
    def rows_json(envelopes: Sequence[Envelope]) -> str:
        """The ``:rows`` of :attr:`insert_statement`: each envelope's own JSON as the body."""
        return "[" + ",".join(
            f'{{"event_id":"{e.event_id}","name":{json.dumps(e.name)},'
            f'"correlation_id":{json.dumps(e.correlation_id)},"body":{e.model_dump_json()}}}'
            for e in envelopes) + "]"

    async def insert(self, conn: AsyncConnection, envelopes: Sequence[Envelope]) -> None:
        """Write events in the caller's transaction and wake the relay when it commits: one
        statement, one round trip."""
        await conn.execute(self.insert_statement,
                           {"rows": self.rows_json(envelopes), "channel": self.notify_channel})

    async def claim_inbox(
        self, conn: AsyncConnection, consumer: str, event_id: uuid.UUID, name: str
    ) -> bool:
        """Record (consumer, event_id) in the caller's transaction. False when already there:
        a concurrent duplicate blocks on the primary key until the first commits or rolls back."""
        if self._claim is None:  # built once: a statement per message spent more on its key
            self._claim = (insert(self.inbox)
                           .values(consumer=sa.bindparam("consumer"),
                                   event_id=sa.bindparam("event_id"), name=sa.bindparam("name"))
                           .on_conflict_do_nothing()
                           .returning(self.inbox.c.event_id))
        result = await conn.execute(self._claim, {"consumer": consumer, "event_id": event_id,
                                                  "name": name})
        return result.first() is not None
