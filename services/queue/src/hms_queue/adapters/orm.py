"""The service's tables, in its own schema. The migrations create them (``migrations/``);
these definitions are what the repositories query."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID

from hms_platform.tables import platform_tables

SCHEMA = "queue"
metadata = sa.MetaData()
PLATFORM = platform_tables(metadata, SCHEMA)  # outbox, inbox, keyed writes, revocations, kids
TABLES, IDEMPOTENCY, REVOCATIONS, SIGNING_KEYS = PLATFORM
LINES_CHANNEL = "hms_queue_lines"  # NOTIFY payload: the doctor id whose line changed
ACTIVE = "status IN ('waiting', 'called')"
ONE_ACTIVE_PER_PATIENT = "tickets_one_active_per_patient_per_line"
ONE_CALLED_PER_DOCTOR = "tickets_one_called_per_doctor"
NUMBER_IN_LINE = "tickets_number_in_line"


def _ts(name: str, **kwargs: object) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), **kwargs)  # type: ignore[arg-type]


people = sa.Table(
    "people", metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("role", sa.String(20)),
    sa.Column("full_name", sa.Text),  # NULL: not known yet (migration 0003)
    sa.Column("room", sa.Text),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("slot_minutes", sa.Integer),
    sa.Column("service_seconds", sa.Float),
    _ts("updated_at", nullable=False, server_default=sa.func.now()),
    schema=SCHEMA,
)

lines = sa.Table(
    "lines", metadata,
    sa.Column("doctor_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("clinic_day", sa.Date, primary_key=True),
    sa.Column("letter", sa.String(1), nullable=False),
    sa.Column("last_number", sa.Integer, nullable=False),
    schema=SCHEMA,
)

tickets = sa.Table(
    "tickets", metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("doctor_id", UUID(as_uuid=True), nullable=False),
    sa.Column("clinic_day", sa.Date, nullable=False),
    sa.Column("letter", sa.String(1), nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("patient_id", UUID(as_uuid=True), nullable=False),
    sa.Column("appointment_id", UUID(as_uuid=True), unique=True),
    sa.Column("urgency", sa.SmallInteger, nullable=False),
    sa.Column("source", sa.String(10), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    _ts("arrived_at", nullable=False),
    _ts("queued_at", nullable=False),
    _ts("called_at"),
    _ts("closed_at"),
    sa.Column("misses", sa.SmallInteger, nullable=False, server_default="0"),
    sa.Column("turn_notified", sa.Boolean, nullable=False, server_default=sa.false()),
    # Per field, when it was last written and by staff or not (hms_platform.last_write).
    sa.Column("field_times", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
    sa.CheckConstraint("urgency BETWEEN 1 AND 5", name="tickets_urgency_range"),
    sa.CheckConstraint("status IN ('waiting', 'called', 'served', 'missed', 'cancelled')",
                       name="tickets_status_known"),
    sa.UniqueConstraint("doctor_id", "clinic_day", "number", name=NUMBER_IN_LINE),
    sa.Index(ONE_ACTIVE_PER_PATIENT, "doctor_id", "clinic_day", "patient_id", unique=True,
             postgresql_where=sa.text(ACTIVE)),
    sa.Index(ONE_CALLED_PER_DOCTOR, "doctor_id", unique=True,
             postgresql_where=sa.text("status = 'called'")),
    # The call order: per level, first come first (domain.ordering); also counts people ahead.
    sa.Index("ix_tickets_waiting_order", "doctor_id", "clinic_day", "urgency", "queued_at", "id",
             postgresql_where=sa.text("status = 'waiting'")),
    sa.Index("ix_tickets_patient_active", "patient_id", postgresql_where=sa.text(ACTIVE)),
    schema=SCHEMA,
)

ticket_history = sa.Table(
    "ticket_history", metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("ticket_id", UUID(as_uuid=True), sa.ForeignKey(tickets.c.id), nullable=False),
    _ts("at", nullable=False),
    sa.Column("action", sa.String(30), nullable=False),
    sa.Column("by", UUID(as_uuid=True), nullable=False),
    sa.Column("detail", JSONB, nullable=False, server_default="{}"),
    sa.Index("ix_ticket_history_ticket", "ticket_id", "id"),
    schema=SCHEMA,
)

# Appointments cancelled or missed before their check-in reached us (events arrive in any
# order): a later check-in for one of them opens no ticket.
closed_appointments = sa.Table(
    "closed_appointments", metadata,
    sa.Column("appointment_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("reason", sa.String(30), nullable=False),
    _ts("at", nullable=False),
    schema=SCHEMA,
)

# Named waiting-room displays (admin): their links hold until revoked (domain/display.py).
displays = sa.Table(
    "displays", metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("doctor_ids", sa.ARRAY(UUID(as_uuid=True)), nullable=False),
    _ts("created_at", nullable=False),
    sa.Column("created_by", UUID(as_uuid=True), nullable=False),
    _ts("revoked_at"),
    sa.Column("revoked_by", UUID(as_uuid=True)),
    schema=SCHEMA,
)
