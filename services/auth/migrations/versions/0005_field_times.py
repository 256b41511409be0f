"""field_times: per field of auth.users, when it was last written and whether by staff
({field: {"at": iso, "staff": bool}}), for offline writes' last-write-wins
(hms_platform.last_write)

Revision ID: 0005
Revises: 0004

Existing rows get {} (no field written with a time yet: the next write wins).
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0005"
down_revision = "0004"
S = "auth"


def upgrade() -> None:
    op.add_column("users", sa.Column("field_times", JSONB, nullable=False,
                                   server_default=sa.text("'{}'::jsonb")), schema=S)


def downgrade() -> None:
    op.drop_column("users", "field_times", schema=S)
