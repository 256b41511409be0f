"""displays: named waiting-room displays made by an admin, whose screen links hold until the
display is revoked

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0004"
down_revision = "0003"
S = "queue"


def upgrade() -> None:
    op.create_table(
        "displays",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("doctor_ids", sa.ARRAY(UUID(as_uuid=True)), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", UUID(as_uuid=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.Column("revoked_by", UUID(as_uuid=True)),
        schema=S,
    )


def downgrade() -> None:
    op.drop_table("displays", schema=S)
