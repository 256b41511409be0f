"""HMS reporting: keeps every integration event once (its event store), builds read models from
them for the admin reports, and keeps the append-only audit trail."""

from pathlib import Path

# Alembic scripts, applied by ``hms-reporting migrate`` or hms_platform.migrations.upgrade.
MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"

__all__ = ["MIGRATIONS"]
