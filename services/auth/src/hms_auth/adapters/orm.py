"""The auth schema's tables (SQLAlchemy Core), apart from the domain classes.

The Alembic migrations create exactly these; an integration test compares the two.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from hms_platform.idempotency import idempotency_table
from hms_platform.outbox import OutboxTables

SCHEMA = "auth"
metadata = sa.MetaData(schema=SCHEMA)
OUTBOX = OutboxTables(metadata, SCHEMA)
IDEMPOTENCY = idempotency_table(metadata, SCHEMA)  # keyed writes' first responses
_ROLES = "role IN ('admin', 'receptionist', 'doctor', 'patient')"


def _ts(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


users = sa.Table(
    "users", metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("username", sa.String(64), nullable=False),
    # Lowercased copy with the unique index: "Alice" and "alice" are one username.
    sa.Column("username_key", sa.String(64), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("full_name", sa.String(200), nullable=False),
    sa.Column("email", sa.String(320)),
    sa.Column("phone_number", sa.String(20)),  # E.164
    sa.Column("department", sa.String(100)),
    sa.Column("room", sa.String(50)),
    sa.Column("password_hash", sa.Text),
    sa.Column("active", sa.Boolean, nullable=False),
    _ts("tokens_valid_after", nullable=True),
    _ts("created_at"),
    _ts("updated_at"),
    # When the account first had a password (NULL: a walk-in who has never activated).
    _ts("activated_at", nullable=True),
    # The staff member whose reset code set the current password (no foreign key: an audit
    # fact that outlives the staff account).
    sa.Column("password_reset_by", sa.Uuid),
    # Per field, when it was last written and by staff or not (hms_platform.last_write).
    sa.Column("field_times", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
    # The repository names the taken field from these constraint names.
    sa.UniqueConstraint("username_key", name="users_username_key_unique"),
    sa.UniqueConstraint("phone_number", name="users_phone_number_unique"),  # NULLs never clash
    sa.Index("users_role_idx", "role"),
    sa.CheckConstraint(_ROLES, name="users_role_check"),
    sa.CheckConstraint("role <> 'doctor' OR (department IS NOT NULL AND room IS NOT NULL)",
                       name="users_doctor_has_room"),
)

activation_codes = sa.Table(
    "activation_codes", metadata,
    # One code per user: issuing a new one replaces the last.
    sa.Column("user_id", sa.Uuid, sa.ForeignKey("auth.users.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("code_hash", sa.Text, nullable=False),
    _ts("issued_at"),
    _ts("expires_at"),
    _ts("used_at", nullable=True),
    sa.Column("reset_by", sa.Uuid),  # who issued it as a password reset; NULL: activation
)

refresh_families = sa.Table(
    "refresh_families", metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("user_id", sa.Uuid, sa.ForeignKey("auth.users.id", ondelete="CASCADE"),
              nullable=False),
    _ts("created_at"),
    _ts("expires_at"),
    _ts("revoked_at", nullable=True),
    sa.Column("revoked_reason", sa.String(50)),
    sa.Index("refresh_families_user_idx", "user_id"),
)

refresh_tokens = sa.Table(
    "refresh_tokens", metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),  # SHA-256 hex of the secret
    sa.Column("family_id", sa.Uuid,
              sa.ForeignKey("auth.refresh_families.id", ondelete="CASCADE"), nullable=False),
    _ts("issued_at"),
    _ts("idle_expires_at"),
    _ts("spent_at", nullable=True),
    sa.Index("refresh_tokens_family_idx", "family_id"),
)

throttle = sa.Table(
    "throttle", metadata,
    sa.Column("scope", sa.String(20), primary_key=True),
    sa.Column("key", sa.String(200), primary_key=True),
    _ts("window_start"),
    sa.Column("failures", sa.Integer, nullable=False),
    # Closed windows of refused sign-ins are found by this (handlers/refusals.py).
    sa.Index("throttle_scope_window_idx", "scope", "window_start"),
)

signing_keys = sa.Table(
    "signing_keys", metadata,
    sa.Column("kid", sa.String(100), primary_key=True),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("public_jwk", JSONB, nullable=False),
    # AES-256-GCM: 12-byte nonce + ciphertext of the PEM, the kid as associated data.
    sa.Column("private_key", sa.LargeBinary),
    _ts("created_at"),
    sa.CheckConstraint("status IN ('current', 'previous', 'retired')",
                       name="signing_keys_status_check"),
    # At most one current and one previous key, whatever races.
    sa.Index("signing_keys_one_current", "status", unique=True,
             postgresql_where=sa.text("status = 'current'")),
    sa.Index("signing_keys_one_previous", "status", unique=True,
             postgresql_where=sa.text("status = 'previous'")),
)
