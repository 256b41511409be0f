"""auth schema: users, activation codes, refresh families and tokens, throttle, signing keys"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from hms_platform.migrations import create_messaging_tables

revision = "0001"
down_revision = None
S = "auth"


def ts(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    create_messaging_tables(S)
    op.create_table(
        "users",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("username_key", sa.String(64), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320)),
        sa.Column("phone_number", sa.String(20)),
        sa.Column("department", sa.String(100)),
        sa.Column("room", sa.String(50)),
        sa.Column("password_hash", sa.Text),
        sa.Column("active", sa.Boolean, nullable=False),
        ts("created_at"),
        ts("updated_at"),
        sa.UniqueConstraint("username_key", name="users_username_key_unique"),
        sa.UniqueConstraint("phone_number", name="users_phone_number_unique"),
        sa.CheckConstraint("role IN ('admin', 'receptionist', 'doctor', 'patient')",
                           name="users_role_check"),
        sa.CheckConstraint("role <> 'doctor' OR (department IS NOT NULL AND room IS NOT NULL)",
                           name="users_doctor_has_room"),
        schema=S,
    )
    op.create_index("users_role_idx", "users", ["role"], schema=S)
    op.create_table(
        "activation_codes",
        sa.Column("user_id", sa.Uuid, sa.ForeignKey(f"{S}.users.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("code_hash", sa.Text, nullable=False),
        ts("issued_at"),
        ts("expires_at"),
        ts("used_at", nullable=True),
        schema=S,
    )
    op.create_table(
        "refresh_families",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("user_id", sa.Uuid, sa.ForeignKey(f"{S}.users.id", ondelete="CASCADE"),
                  nullable=False),
        ts("created_at"),
        ts("expires_at"),
        ts("revoked_at", nullable=True),
        sa.Column("revoked_reason", sa.String(50)),
        schema=S,
    )
    op.create_index("refresh_families_user_idx", "refresh_families", ["user_id"], schema=S)
    op.create_table(
        "refresh_tokens",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("family_id", sa.Uuid,
                  sa.ForeignKey(f"{S}.refresh_families.id", ondelete="CASCADE"), nullable=False),
        ts("issued_at"),
        ts("idle_expires_at"),
        ts("spent_at", nullable=True),
        schema=S,
    )
    op.create_index("refresh_tokens_family_idx", "refresh_tokens", ["family_id"], schema=S)
    op.create_table(
        "throttle",
        sa.Column("scope", sa.String(20), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        ts("window_start"),
        sa.Column("failures", sa.Integer, nullable=False),
        schema=S,
    )
    op.create_table(
        "signing_keys",
        sa.Column("kid", sa.String(100), primary_key=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("public_jwk", JSONB, nullable=False),
        sa.Column("private_key", sa.LargeBinary),
        ts("created_at"),
        sa.CheckConstraint("status IN ('current', 'previous', 'retired')",
                           name="signing_keys_status_check"),
        schema=S,
    )
    # At most one current and one previous key, even if two rotations raced past the lock.
    for status in ("current", "previous"):
        op.create_index(f"signing_keys_one_{status}", "signing_keys", ["status"], unique=True,
                        schema=S, postgresql_where=sa.text(f"status = '{status}'"))
