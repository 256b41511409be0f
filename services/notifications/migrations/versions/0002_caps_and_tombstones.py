"""the hourly cap per recipient and appointment tombstones: status 'capped', messages.destination
(a digest of the address, indexed with created_at), table appointment_marks

Revision ID: 0002
Revises: 0001

Rows already in the log keep ``destination`` NULL: the cap counts them by recipient only.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0002"
down_revision = "0001"
S = "notifications"
CHECK = "messages_status_known"
STATUSES = ("'pending', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'cancelled', "
            "'skipped'")


def upgrade() -> None:
    op.drop_constraint(CHECK, "messages", schema=S, type_="check")
    op.create_check_constraint(CHECK, "messages", f"status IN ({STATUSES}, 'capped')", schema=S)
    op.add_column("messages", sa.Column("destination", sa.String(40)), schema=S)
    op.create_index("ix_messages_destination_created", "messages",
                    ["destination", "created_at"], schema=S,
                    postgresql_where=sa.text("destination IS NOT NULL"))
    op.create_table(
        "appointment_marks",
        sa.Column("appointment_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("closed", sa.String(20)),
        sa.Column("moved_from", sa.ARRAY(sa.DateTime(timezone=True)), nullable=False,
                  server_default="{}"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        schema=S,
    )


def downgrade() -> None:
    op.drop_table("appointment_marks", schema=S)
    op.drop_index("ix_messages_destination_created", table_name="messages", schema=S)
    op.drop_column("messages", "destination", schema=S)
    # A capped row was never sent: as the old statuses say, skipped.
    op.execute(f"UPDATE {S}.messages SET status = 'skipped' WHERE status = 'capped'")
    op.drop_constraint(CHECK, "messages", schema=S, type_="check")
    op.create_check_constraint(CHECK, "messages", f"status IN ({STATUSES})", schema=S)
