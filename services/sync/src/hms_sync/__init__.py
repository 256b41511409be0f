"""HMS sync: offline clients push batches of operations, each forwarded to its owning service's
normal route, and pull the changes they may see, from a feed built from the events."""

from pathlib import Path

# Alembic scripts, applied by ``hms-sync migrate`` or hms_platform.migrations.upgrade.
MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"

__all__ = ["MIGRATIONS"]
