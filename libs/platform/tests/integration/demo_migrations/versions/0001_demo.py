"""demo service schema: items, effects, outbox, inbox"""

import sqlalchemy as sa
from alembic import op

from hms_platform.migrations import create_messaging_tables

revision = "0001"
down_revision = None


def upgrade() -> None:
    create_messaging_tables("demo")
    op.create_table(
        "items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        schema="demo",
    )
    # Checked at COMMIT, after the outbox insert: lets a test fail the transaction late.
    op.execute("ALTER TABLE demo.items ADD CONSTRAINT items_name_key UNIQUE (name) "
               "DEFERRABLE INITIALLY DEFERRED")
    # No unique constraint on purpose: a duplicate effect must be visible to the tests.
    op.create_table(
        "effects",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("event_id", sa.Uuid, nullable=False),
        sa.Column("consumer", sa.String(50), nullable=False),
        schema="demo",
    )
