"""queue schema: directory, lines, tickets (one active per patient per line, one called per
doctor, the call-order index), ticket history, closed appointments, messaging, token
revocations

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

from hms_platform.migrations import create_messaging_tables, create_revocation_table

revision = "0001"
down_revision = None
S = "queue"


def ts(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    create_messaging_tables(S)
    create_revocation_table(S)
    op.create_table(
        "people",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("role", sa.String(20)),
        sa.Column("room", sa.Text),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("slot_minutes", sa.Integer),
        sa.Column("service_seconds", sa.Float),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        schema=S,
    )
    op.create_table(
        "lines",
        sa.Column("doctor_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("clinic_day", sa.Date, primary_key=True),
        sa.Column("letter", sa.String(1), nullable=False),
        sa.Column("last_number", sa.Integer, nullable=False),
        schema=S,
    )
    op.create_table(
        "tickets",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("doctor_id", UUID(as_uuid=True), nullable=False),
        sa.Column("clinic_day", sa.Date, nullable=False),
        sa.Column("letter", sa.String(1), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("patient_id", UUID(as_uuid=True), nullable=False),
        sa.Column("appointment_id", UUID(as_uuid=True)),
        sa.Column("urgency", sa.SmallInteger, nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        ts("arrived_at", nullable=False), ts("queued_at", nullable=False),
        ts("called_at"), ts("closed_at"),
        sa.Column("misses", sa.SmallInteger, nullable=False, server_default="0"),
        sa.Column("turn_notified", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.CheckConstraint("urgency BETWEEN 1 AND 5", name="tickets_urgency_range"),
        sa.CheckConstraint("status IN ('waiting', 'called', 'served', 'missed', 'cancelled')",
                           name="tickets_status_known"),
        sa.UniqueConstraint("appointment_id", name="tickets_appointment_id_key"),
        sa.UniqueConstraint("doctor_id", "clinic_day", "number", name="tickets_number_in_line"),
        schema=S,
    )
    active = sa.text("status IN ('waiting', 'called')")
    # The database itself keeps one active ticket per patient per line and one called per doctor.
    op.create_index("tickets_one_active_per_patient_per_line", "tickets",
                    ["doctor_id", "clinic_day", "patient_id"], unique=True, schema=S,
                    postgresql_where=active)
    op.create_index("tickets_one_called_per_doctor", "tickets", ["doctor_id"], unique=True,
                    schema=S, postgresql_where=sa.text("status = 'called'"))
    op.create_index("ix_tickets_waiting_order", "tickets",
                    ["doctor_id", "clinic_day", "urgency", "queued_at", "id"], schema=S,
                    postgresql_where=sa.text("status = 'waiting'"))
    op.create_index("ix_tickets_patient_active", "tickets", ["patient_id"], schema=S,
                    postgresql_where=active)
    op.create_table(
        "ticket_history",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("ticket_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.tickets.id"),
                  nullable=False),
        ts("at", nullable=False),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("by", UUID(as_uuid=True), nullable=False),
        sa.Column("detail", JSONB, nullable=False, server_default="{}"),
        schema=S,
    )
    op.create_index("ix_ticket_history_ticket", "ticket_history", ["ticket_id", "id"], schema=S)
    op.create_table(
        "closed_appointments",
        sa.Column("appointment_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("reason", sa.String(30), nullable=False),
        ts("at", nullable=False),
        schema=S,
    )


def downgrade() -> None:
    for table in ("closed_appointments", "ticket_history", "tickets", "lines", "people",
                  "token_revocations", "inbox", "outbox"):
        op.drop_table(table, schema=S)
