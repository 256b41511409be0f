"""The service's tables, in its own schema. The migrations create them (``migrations/``);
these definitions are what the adapters query."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from hms_platform.tables import platform_tables

SCHEMA = "sync"
metadata = sa.MetaData()
PLATFORM = platform_tables(metadata, SCHEMA)  # outbox, inbox, keyed writes, revocations, kids
TABLES, IDEMPOTENCY, REVOCATIONS, SIGNING_KEYS = PLATFORM

class Xid8(sa.types.UserDefinedType[str]):
    """PostgreSQL's 64-bit transaction id (never read as such: queries cast it)."""

    cache_ok = True

    def get_col_spec(self, **kw: object) -> str:
        return "xid8"


SEQ = sa.Sequence("changes_seq", schema=SCHEMA)

# One row per record the feed carries, renewed by each event about it: ``txid`` (the writing
# transaction, for the pull's cursor: domain/cursor.py) and ``seq`` are renewed with it.
changes = sa.Table(
    "changes", metadata,
    sa.Column("entity", sa.String(20), primary_key=True),
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("fields", JSONB, nullable=False),
    sa.Column("patient_id", sa.Uuid), sa.Column("doctor_id", sa.Uuid),
    sa.Column("clinic_day", sa.Date),
    sa.Column("event_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("txid", Xid8(), nullable=False, server_default=sa.func.pg_current_xact_id()),
    sa.Column("seq", sa.BigInteger, SEQ, nullable=False, server_default=SEQ.next_value()),
    sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False,
              server_default=sa.func.now()),
    sa.Index("ix_changes_seq", "seq"),
    sa.Index("ix_changes_patient", "patient_id", "seq"),
    sa.Index("ix_changes_doctor", "doctor_id", "seq"),
    sa.Index("ix_changes_day", "clinic_day", "seq"),
    sa.Index("ix_changes_changed_at", "changed_at"),
    schema=SCHEMA,
)
