"""HMS notifications: SMS, push and email from the other services' events, each message once
per dedup key and channel, reminders before appointments, and a log of every message."""

from pathlib import Path

# Alembic scripts, applied by ``hms-notifications migrate`` or hms_platform.migrations.upgrade.
MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"

__all__ = ["MIGRATIONS"]
