"""HMS appointments: doctors' schedules and slots, conflict-proof booking, the appointment
lifecycle, automatic no-shows and their penalties."""

from pathlib import Path

# Alembic scripts, applied by ``hms-appointments migrate`` or hms_platform.migrations.upgrade.
MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"

__all__ = ["MIGRATIONS"]
