"""The service's tables, in its own schema. The migrations create them (``migrations/``);
these definitions are what the repositories query."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import INET, JSONB, UUID, ExcludeConstraint

from hms_platform.tables import platform_tables

SCHEMA = "appointments"
metadata = sa.MetaData()
PLATFORM = platform_tables(metadata, SCHEMA)  # outbox, inbox, keyed writes, revocations, kids
TABLES, IDEMPOTENCY, REVOCATIONS, SIGNING_KEYS = PLATFORM
ACTIVE_STATUSES = "status IN ('booked', 'checked_in')"
DOCTOR_OVERLAP = "appointments_no_doctor_overlap"
PATIENT_OVERLAP = "appointments_no_patient_overlap"
SAME_DOCTOR_SAME_DAY = "appointments_one_per_doctor_per_day"


def uuid_as_inet(column: str) -> str:
    """SQL for a uuid as an IPv6 address: both are 128 bits, so the mapping is one to one.

    GiST has no "=" for uuid without the btree_gist extension, which the embedded Postgres
    (and some managed ones) lack; its built-in ``inet_ops`` has one. So one exclusion
    constraint can still say "same doctor AND overlapping time" on any PostgreSQL.
    """
    return (f"regexp_replace({column}::text, '^(.{{4}})(.{{4}})-(.{{4}})-(.{{4}})-(.{{4}})-"
            r"(.{4})(.{4})(.{4})$', '\1:\2:\3:\4:\5:\6:\7:\8')::inet")


def _ts(name: str, **kwargs: object) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), **kwargs)  # type: ignore[arg-type]


people = sa.Table(
    "people", metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("role", sa.String(20)),  # NULL: known from a later event, registration pending
    sa.Column("full_name", sa.Text, nullable=False, server_default=""),
    sa.Column("department", sa.Text),
    sa.Column("room", sa.Text),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    _ts("updated_at", nullable=False, server_default=sa.func.now()),
    sa.Index("ix_people_doctors", "full_name", postgresql_where=sa.text("role = 'doctor'")),
    schema=SCHEMA,
)

schedules = sa.Table(
    "schedules", metadata,
    sa.Column("doctor_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("slot_minutes", sa.Integer, nullable=False),
    sa.Column("weekly", JSONB, nullable=False),
    sa.Column("time_off", JSONB, nullable=False),
    _ts("updated_at", nullable=False, server_default=sa.func.now()),
    schema=SCHEMA,
)

appointments = sa.Table(
    "appointments", metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("patient_id", UUID(as_uuid=True), nullable=False),
    sa.Column("doctor_id", UUID(as_uuid=True), nullable=False),
    _ts("start_at", nullable=False),
    _ts("end_at", nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("urgency", sa.SmallInteger, nullable=False),
    sa.Column("reason", sa.String(500)),
    sa.Column("booked_by", UUID(as_uuid=True), nullable=False),
    _ts("created_at", nullable=False),
    _ts("cancelled_at"),
    sa.Column("cancelled_by", UUID(as_uuid=True)),
    sa.Column("cancel_reason", sa.String(500)),
    sa.Column("late_cancel", sa.Boolean),
    _ts("checked_in_at"),
    _ts("completed_at"),
    sa.Column("diagnosis", sa.Text),
    sa.Column("treatment", sa.Text),
    _ts("no_show_at"),
    sa.Column("no_show_marked_by", sa.String(50)),
    # The clinic-calendar date of start_at (clinic time zone from settings): the application
    # writes it, so the rule below holds in any zone. NULL only on rows grandfathered by 0002.
    sa.Column("clinic_day", sa.Date),
    # Per field, when it was last written and by staff or not (hms_platform.last_write).
    sa.Column("field_times", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
    sa.Column("doctor_key", INET, sa.Computed(uuid_as_inet("doctor_id"), persisted=True)),
    sa.Column("patient_key", INET, sa.Computed(uuid_as_inet("patient_id"), persisted=True)),
    sa.CheckConstraint("end_at > start_at", name="appointments_end_after_start"),
    sa.CheckConstraint("urgency BETWEEN 1 AND 5", name="appointments_urgency_range"),
    sa.CheckConstraint(
        "status IN ('booked', 'checked_in', 'completed', 'cancelled', 'no_show')",
        name="appointments_status_known"),
    sa.Index("ix_appointments_patient_start", "patient_id", "start_at"),
    sa.Index("ix_appointments_doctor_start", "doctor_id", "start_at"),
    # The scheduler's sweep reads only booked rows, however long the history grows.
    sa.Index("ix_appointments_booked_start", "start_at",
             postgresql_where=sa.text("status = 'booked'")),
    # One active appointment per patient, doctor and clinic day (migration 0002).
    sa.Index(SAME_DOCTOR_SAME_DAY, "patient_id", "doctor_id", "clinic_day", unique=True,
             postgresql_where=sa.text(ACTIVE_STATUSES)),
    schema=SCHEMA,
)
# No double booking, enforced by the database itself: same person AND overlapping time.
for _name, _column in ((DOCTOR_OVERLAP, appointments.c.doctor_key),
                       (PATIENT_OVERLAP, appointments.c.patient_key)):
    appointments.append_constraint(ExcludeConstraint(
        (_column, "="),
        (sa.func.tstzrange(appointments.c.start_at, appointments.c.end_at), "&&"),
        name=_name, using="gist", where=sa.text(ACTIVE_STATUSES),
        ops={_column.name: "inet_ops"}))

penalties = sa.Table(
    "penalties", metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("appointment_id", UUID(as_uuid=True),
              sa.ForeignKey(appointments.c.id), nullable=False, unique=True),
    sa.Column("patient_id", UUID(as_uuid=True), nullable=False),
    sa.Column("doctor_id", UUID(as_uuid=True), nullable=False),
    _ts("created_at", nullable=False),
    _ts("waived_at"),
    sa.Column("waived_by", UUID(as_uuid=True)),
    sa.Column("waive_reason", sa.String(500)),
    sa.Index("ix_penalties_patient_created", "patient_id", "created_at"),
    schema=SCHEMA,
)
