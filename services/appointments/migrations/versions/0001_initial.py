"""appointments schema: directory, schedules, appointments (no overlaps), penalties, messaging

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

from hms_appointments.adapters.orm import uuid_as_inet
from hms_platform.migrations import create_messaging_tables

revision = "0001"
down_revision = None
S = "appointments"


def ts(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    create_messaging_tables(S)
    op.create_table(
        "people",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("role", sa.String(20)),
        sa.Column("full_name", sa.Text, nullable=False, server_default=""),
        sa.Column("department", sa.Text),
        sa.Column("room", sa.Text),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        schema=S,
    )
    op.create_index("ix_people_doctors", "people", ["full_name"], schema=S,
                    postgresql_where=sa.text("role = 'doctor'"))
    op.create_table(
        "schedules",
        sa.Column("doctor_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("slot_minutes", sa.Integer, nullable=False),
        sa.Column("weekly", JSONB, nullable=False),
        sa.Column("time_off", JSONB, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        schema=S,
    )
    op.create_table(
        "appointments",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("patient_id", UUID(as_uuid=True), nullable=False),
        sa.Column("doctor_id", UUID(as_uuid=True), nullable=False),
        ts("start_at", nullable=False), ts("end_at", nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("urgency", sa.SmallInteger, nullable=False),
        sa.Column("reason", sa.String(500)),
        sa.Column("booked_by", UUID(as_uuid=True), nullable=False),
        ts("created_at", nullable=False),
        ts("cancelled_at"),
        sa.Column("cancelled_by", UUID(as_uuid=True)),
        sa.Column("cancel_reason", sa.String(500)),
        sa.Column("late_cancel", sa.Boolean),
        ts("checked_in_at"), ts("completed_at"),
        sa.Column("diagnosis", sa.Text),
        sa.Column("treatment", sa.Text),
        ts("no_show_at"),
        sa.Column("no_show_marked_by", sa.String(50)),
        sa.CheckConstraint("end_at > start_at", name="appointments_end_after_start"),
        sa.CheckConstraint("urgency BETWEEN 1 AND 5", name="appointments_urgency_range"),
        sa.CheckConstraint(
            "status IN ('booked', 'checked_in', 'completed', 'cancelled', 'no_show')",
            name="appointments_status_known"),
        schema=S,
    )
    # The database itself refuses double bookings, whatever the application checked before.
    # uuid as inet: GiST's built-in inet_ops has the "=" that uuid lacks without btree_gist
    # (not available in the embedded Postgres), see orm.uuid_as_inet.
    for name, person in (("appointments_no_doctor_overlap", "doctor"),
                         ("appointments_no_patient_overlap", "patient")):
        op.execute(
            f"ALTER TABLE {S}.appointments ADD COLUMN {person}_key inet "
            f"GENERATED ALWAYS AS ({uuid_as_inet(person + '_id')}) STORED")
        op.execute(
            f"ALTER TABLE {S}.appointments ADD CONSTRAINT {name} EXCLUDE USING gist "
            f"({person}_key inet_ops WITH =, tstzrange(start_at, end_at) WITH &&) "
            "WHERE (status IN ('booked', 'checked_in'))")
    op.create_index("ix_appointments_patient_start", "appointments", ["patient_id", "start_at"],
                    schema=S)
    op.create_index("ix_appointments_doctor_start", "appointments", ["doctor_id", "start_at"],
                    schema=S)
    op.create_index("ix_appointments_booked_start", "appointments", ["start_at"], schema=S,
                    postgresql_where=sa.text("status = 'booked'"))
    op.create_table(
        "penalties",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("appointment_id", UUID(as_uuid=True),
                  sa.ForeignKey(f"{S}.appointments.id"), nullable=False),
        sa.Column("patient_id", UUID(as_uuid=True), nullable=False),
        sa.Column("doctor_id", UUID(as_uuid=True), nullable=False),
        ts("created_at", nullable=False),
        ts("waived_at"),
        sa.Column("waived_by", UUID(as_uuid=True)),
        sa.Column("waive_reason", sa.String(500)),
        # One penalty per missed appointment, however many times it is marked.
        sa.UniqueConstraint("appointment_id", name="penalties_appointment_id_key"),
        schema=S,
    )
    op.create_index("ix_penalties_patient_created", "penalties", ["patient_id", "created_at"],
                    schema=S)


def downgrade() -> None:
    for table in ("penalties", "appointments", "schedules", "people", "inbox", "outbox"):
        op.drop_table(table, schema=S)
