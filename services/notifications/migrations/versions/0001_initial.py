"""notifications schema: messaging, revocations, contacts, preferences, devices, messages

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

from hms_platform.migrations import create_messaging_tables, create_revocation_table

revision = "0001"
down_revision = None
S = "notifications"
# The statuses as of this revision (0002 adds 'capped').
STATUS_CHECK = ("status IN ('pending', 'sending', 'sent', 'delivered', 'undelivered', 'failed', "
                "'cancelled', 'skipped')")


def ts(name: str, nullable: bool = True, **kwargs: object) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable, **kwargs)  # type: ignore[arg-type]


def upgrade() -> None:
    create_messaging_tables(S)
    create_revocation_table(S)
    op.create_table(
        "contacts",
        sa.Column("user_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("role", sa.String(20)),
        sa.Column("full_name", sa.Text, nullable=False, server_default=""),
        sa.Column("phone_number", sa.String(32)),
        sa.Column("email", sa.String(320)),
        sa.Column("room", sa.Text),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        ts("updated_at", nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    op.create_table(
        "preferences",
        sa.Column("user_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("channels", sa.ARRAY(sa.String(10)), nullable=False),
        sa.Column("quiet_start", sa.Time),
        sa.Column("quiet_end", sa.Time),
        ts("updated_at", nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("(quiet_start IS NULL) = (quiet_end IS NULL)",
                           name="preferences_quiet_both_or_neither"),
        schema=S,
    )
    op.create_table(
        "devices",
        sa.Column("token", sa.String(4096), primary_key=True),
        sa.Column("user_id", UUID(as_uuid=True), nullable=False),
        ts("created_at", nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    op.create_index("ix_devices_user", "devices", ["user_id"], schema=S)
    op.create_table(
        "messages",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("recipient_id", UUID(as_uuid=True), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("dedup_key", sa.String(200), nullable=False),
        sa.Column("subject_id", UUID(as_uuid=True)),
        sa.Column("params", JSONB, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        ts("due_at", nullable=False), ts("claimed_until"),
        sa.Column("claim_token", UUID(as_uuid=True)),
        ts("created_at", nullable=False), ts("sent_at"),
        sa.Column("provider_id", sa.String(200)),
        sa.Column("provider_status", sa.String(40)),
        sa.Column("last_error", sa.String(500)),
        sa.UniqueConstraint("dedup_key", "channel", name="messages_dedup_key_channel_key"),
        sa.CheckConstraint("channel IN ('sms', 'push', 'email')", name="messages_channel_known"),
        sa.CheckConstraint(STATUS_CHECK, name="messages_status_known"),
        schema=S,
    )
    op.create_index("ix_messages_due", "messages", ["due_at"], schema=S,
                    postgresql_where=sa.text("status IN ('pending', 'sending')"))
    op.create_index("ix_messages_recipient_created", "messages", ["recipient_id", "created_at"],
                    schema=S)
    op.create_index("ix_messages_subject", "messages", ["subject_id"], schema=S)
    op.create_index("ix_messages_provider_id", "messages", ["provider_id"], schema=S)


def downgrade() -> None:
    for table in ("messages", "devices", "preferences", "contacts", "token_revocations",
                  "inbox", "outbox"):
        op.drop_table(table, schema=S)
