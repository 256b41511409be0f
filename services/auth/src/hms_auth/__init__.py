"""HMS auth service: identities, roles, sign-in, tokens and the JWKS."""

from pathlib import Path

# The Alembic scripts, for `await hms_platform.migrations.upgrade(engine, hms_auth.MIGRATIONS)`.
MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"

__all__ = ["MIGRATIONS"]
