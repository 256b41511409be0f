"""users.tokens_valid_after: access tokens issued before it are refused

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
S = "auth"


def upgrade() -> None:
    op.add_column("users", sa.Column("tokens_valid_after", sa.DateTime(timezone=True)),
                  schema=S)


def downgrade() -> None:
    op.drop_column("users", "tokens_valid_after", schema=S)
