"""The service's tables, in its own schema. The migrations create them (``migrations/``);
these definitions are what the repositories query."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID

from hms_platform.tables import platform_tables

SCHEMA = "notifications"
metadata = sa.MetaData()
PLATFORM = platform_tables(metadata, SCHEMA)  # outbox, inbox, keyed writes, revocations, kids
TABLES, IDEMPOTENCY, REVOCATIONS, SIGNING_KEYS = PLATFORM


def _ts(name: str, **kwargs: object) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), **kwargs)  # type: ignore[arg-type]


contacts = sa.Table(
    "contacts", metadata,
    sa.Column("user_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("role", sa.String(20)),
    sa.Column("full_name", sa.Text, nullable=False, server_default=""),
    sa.Column("phone_number", sa.String(32)),
    sa.Column("email", sa.String(320)),
    sa.Column("room", sa.Text),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    _ts("updated_at", nullable=False, server_default=sa.func.now()),
    schema=SCHEMA,
)

preferences = sa.Table(
    "preferences", metadata,
    sa.Column("user_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("channels", sa.ARRAY(sa.String(10)), nullable=False),
    sa.Column("quiet_start", sa.Time),
    sa.Column("quiet_end", sa.Time),
    _ts("updated_at", nullable=False, server_default=sa.func.now()),
    sa.CheckConstraint("(quiet_start IS NULL) = (quiet_end IS NULL)",
                       name="preferences_quiet_both_or_neither"),
    schema=SCHEMA,
)

devices = sa.Table(
    "devices", metadata,
    sa.Column("token", sa.String(4096), primary_key=True),
    sa.Column("user_id", UUID(as_uuid=True), nullable=False),
    _ts("created_at", nullable=False, server_default=sa.func.now()),
    sa.Index("ix_devices_user", "user_id"),
    schema=SCHEMA,
)

STATUS_CHECK = ("status IN ('pending', 'sending', 'sent', 'delivered', 'undelivered', 'failed', "
                "'cancelled', 'skipped', 'capped')")

messages = sa.Table(
    "messages", metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("recipient_id", UUID(as_uuid=True), nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("channel", sa.String(10), nullable=False),
    sa.Column("dedup_key", sa.String(200), nullable=False),
    sa.Column("subject_id", UUID(as_uuid=True)),
    # Template values only: ids, times, counts, a sealed code; never a code in clear.
    sa.Column("params", JSONB, nullable=False),
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    _ts("due_at", nullable=False),
    _ts("claimed_until"),
    sa.Column("claim_token", UUID(as_uuid=True)),
    _ts("created_at", nullable=False),
    _ts("sent_at"),
    sa.Column("provider_id", sa.String(200)),
    sa.Column("provider_status", sa.String(40)),
    sa.Column("last_error", sa.String(500)),
    # A digest of the phone number or email address it was planned for (domain.destination).
    sa.Column("destination", sa.String(40)),
    # The text as sent, a one-time code masked (never in clear); null until rendered, and for
    # rows from before migration 0004.
    sa.Column("subject", sa.Text),
    sa.Column("body", sa.Text),
    # One message ever per key and channel (README): the database decides, not a check.
    sa.UniqueConstraint("dedup_key", "channel", name="messages_dedup_key_channel_key"),
    sa.CheckConstraint("channel IN ('sms', 'push', 'email')", name="messages_channel_known"),
    sa.CheckConstraint(STATUS_CHECK, name="messages_status_known"),
    # The sender's sweep reads only what may be due: pending rows and held ones.
    sa.Index("ix_messages_due", "due_at",
             postgresql_where=sa.text("status IN ('pending', 'sending')")),
    sa.Index("ix_messages_recipient_created", "recipient_id", "created_at"),
    sa.Index("ix_messages_subject", "subject_id"),
    sa.Index("ix_messages_provider_id", "provider_id"),
    # The hourly cap counts by address too.
    sa.Index("ix_messages_destination_created", "destination", "created_at",
             postgresql_where=sa.text("destination IS NOT NULL")),
    schema=SCHEMA,
)

# Tombstones: an appointment closed (cancelled, no-show) or moved, whichever order its events
# came in; a later booking or reschedule event, and the sender, respect them.
appointment_marks = sa.Table(
    "appointment_marks", metadata,
    sa.Column("appointment_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("closed", sa.String(20)),
    sa.Column("moved_from", sa.ARRAY(sa.DateTime(timezone=True)), nullable=False,
              server_default="{}"),
    _ts("updated_at", nullable=False, server_default=sa.func.now()),
    schema=SCHEMA,
)
