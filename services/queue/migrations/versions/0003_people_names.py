"""people_names: queue.people.full_name, the person's name from auth's events, for the staff's
view of a doctor's line (never the waiting-room screens' patients)

Revision ID: 0003
Revises: 0002

Existing rows get NULL (name unknown) until auth's next event about that person; the API
shows null for them.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
S = "queue"


def upgrade() -> None:
    op.add_column("people", sa.Column("full_name", sa.Text), schema=S)


def downgrade() -> None:
    op.drop_column("people", "full_name", schema=S)
