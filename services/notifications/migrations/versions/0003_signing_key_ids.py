"""signing_key_ids: auth's signing key ids as its rotations announced them, so that the API
refuses a retired key at once (hms_platform.revocation)

Revision ID: 0003
Revises: 0002
"""

from alembic import op

from hms_platform.migrations import create_signing_key_table

revision = "0003"
down_revision = "0002"
S = "notifications"


def upgrade() -> None:
    create_signing_key_table(S)


def downgrade() -> None:
    op.drop_table("signing_key_ids", schema=S)
