"""message texts: messages.subject and messages.body, the text as the sender rendered it with
any one-time code masked (never the code), for the patient's own list of messages

Revision ID: 0004
Revises: 0003

Rows already in the log keep both NULL: their text was never kept, and is not made up now.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
S = "notifications"


def upgrade() -> None:
    op.add_column("messages", sa.Column("subject", sa.Text), schema=S)
    op.add_column("messages", sa.Column("body", sa.Text), schema=S)


def downgrade() -> None:
    op.drop_column("messages", "body", schema=S)
    op.drop_column("messages", "subject", schema=S)
