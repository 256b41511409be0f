"""booking limits: appointments.clinic_day and one active appointment per patient, doctor and
clinic day

Revision ID: 0002
Revises: 0001

``clinic_day`` is the clinic-calendar date of ``start_at``. The application writes it (the
clinic's zone is a setting, which the database does not know); existing rows are filled here
in the zone of ``APPOINTMENTS_CLINIC_TIMEZONE`` (the settings' default when unset).

Rows that already break the new rule (the same patient, doctor and clinic day, active more
than once) are not cancelled behind anyone's back: the earliest of each group gets its day,
the others keep ``clinic_day`` NULL, which the unique index does not see, until they end or
are rescheduled (a reschedule writes the day and is checked like any booking).
"""

import os
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
S = "appointments"
INDEX = "appointments_one_per_doctor_per_day"
ACTIVE = "status IN ('booked', 'checked_in')"
DEFAULT_ZONE = "Africa/Nairobi"  # AppointmentsSettings.clinic_timezone's default


def upgrade() -> None:
    zone = (os.environ.get("APPOINTMENTS_CLINIC_TIMEZONE") or os.environ.get("HMS_CLINIC_TIMEZONE")
            or DEFAULT_ZONE)
    ZoneInfo(zone)  # an unknown zone fails here, as the settings would, not half-way in SQL
    op.add_column("appointments", sa.Column("clinic_day", sa.Date), schema=S)
    op.execute(sa.text(
        f"UPDATE {S}.appointments SET clinic_day = (start_at AT TIME ZONE :zone)::date"
    ).bindparams(zone=zone))
    op.execute(
        f"UPDATE {S}.appointments SET clinic_day = NULL WHERE id IN ("
        "  SELECT id FROM ("
        "    SELECT id, row_number() OVER ("
        "      PARTITION BY patient_id, doctor_id, clinic_day ORDER BY start_at, id) AS n"
        f"    FROM {S}.appointments WHERE {ACTIVE}) AS ranked"
        "  WHERE n > 1)")
    op.create_index(INDEX, "appointments", ["patient_id", "doctor_id", "clinic_day"],
                    unique=True, schema=S, postgresql_where=sa.text(ACTIVE))


def downgrade() -> None:
    op.drop_index(INDEX, table_name="appointments", schema=S)
    op.drop_column("appointments", "clinic_day", schema=S)
