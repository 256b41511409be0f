"""HMS queue: a line per doctor per clinic day, urgency with fairness (aging), atomic
call-next, positions and wait estimates, live updates for waiting-room screens."""

from pathlib import Path

# Alembic scripts, applied by ``hms-queue migrate`` or hms_platform.migrations.upgrade.
MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"

__all__ = ["MIGRATIONS"]
