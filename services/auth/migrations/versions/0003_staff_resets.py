"""Staff resets audited, refused sign-ins counted per window

users.activated_at (the first password; a reset does not clear it) and
users.password_reset_by (whose reset code set the current password);
activation_codes.reset_by (a code issued as a reset); an index on throttle (scope,
window_start) to find closed windows of refused sign-ins.

Revision ID: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
S = "auth"


def upgrade() -> None:
    op.add_column("users", sa.Column("activated_at", sa.DateTime(timezone=True)), schema=S)
    op.add_column("users", sa.Column("password_reset_by", sa.Uuid), schema=S)
    op.add_column("activation_codes", sa.Column("reset_by", sa.Uuid), schema=S)
    # Before this revision a reset and a walk-in's pending activation both left no password.
    # A walk-in never activated has not changed since registration; any account changed since
    # (a reset, or an edited walk-in) counts as activated, so that its codes go by SMS only.
    op.execute(f"UPDATE {S}.users SET activated_at = created_at "
               "WHERE password_hash IS NOT NULL OR updated_at <> created_at")
    op.create_index("throttle_scope_window_idx", "throttle", ["scope", "window_start"],
                    schema=S)


def downgrade() -> None:
    op.drop_index("throttle_scope_window_idx", table_name="throttle", schema=S)
    op.drop_column("activation_codes", "reset_by", schema=S)
    op.drop_column("users", "password_reset_by", schema=S)
    op.drop_column("users", "activated_at", schema=S)
