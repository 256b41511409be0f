"""token_revocations: access tokens auth revoked before they expire

Revision ID: 0003
"""

from alembic import op

from hms_platform.migrations import create_revocation_table

revision = "0003"
down_revision = "0002"
S = "appointments"


def upgrade() -> None:
    create_revocation_table(S)


def downgrade() -> None:
    op.drop_table("token_revocations", schema=S)
