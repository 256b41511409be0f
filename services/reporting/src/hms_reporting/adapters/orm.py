"""The service's tables, in its own schema. The migrations create them (``migrations/``);
these definitions are what the repositories query."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from hms_platform.tables import platform_tables

SCHEMA = "reporting"
metadata = sa.MetaData()
PLATFORM = platform_tables(metadata, SCHEMA)  # outbox, inbox, keyed writes, revocations, kids
TABLES, IDEMPOTENCY, REVOCATIONS, SIGNING_KEYS = PLATFORM


def _ts(name: str, **kwargs: object) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), **kwargs)  # type: ignore[arg-type]


def _id(name: str, **kwargs: object) -> sa.Column:
    return sa.Column(name, sa.Uuid, **kwargs)  # type: ignore[arg-type]


def _stamp(name: str) -> sa.Column:
    return sa.Column(name, sa.Text)


# Every event, once, by id: what a replay rebuilds the read models from.
events = sa.Table(
    "events", metadata,
    _id("event_id", primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    _ts("occurred_at", nullable=False),
    sa.Column("producer", sa.String(50), nullable=False),
    sa.Column("correlation_id", sa.String(200)),
    sa.Column("causation_id", sa.String(200)),
    sa.Column("payload", JSONB, nullable=False),
    _ts("received_at", nullable=False, server_default=sa.func.now()),
    sa.Index("ix_events_order", "occurred_at", "event_id"),
    schema=SCHEMA,
)

appointments = sa.Table(
    "appointments", metadata,
    _id("appointment_id", primary_key=True),
    _id("patient_id"), _id("doctor_id"), _ts("start"), sa.Column("day", sa.Date),
    _stamp("start_stamp"), sa.Column("status", sa.String(20)),
    sa.Column("status_rank", sa.SmallInteger, nullable=False, server_default="-1"),
    _stamp("status_stamp"),
    sa.Index("ix_appointments_day", "day", "status", "doctor_id", "patient_id"),
    schema=SCHEMA,
)

tickets = sa.Table(
    "tickets", metadata,
    _id("ticket_id", primary_key=True),
    _id("patient_id"), _id("doctor_id"), _stamp("doctor_stamp"), _ts("first_at"),
    sa.Column("day", sa.Date), sa.Column("status", sa.String(20)),
    sa.Column("status_rank", sa.SmallInteger, nullable=False, server_default="-1"),
    _stamp("status_stamp"),
    sa.Column("waited_seconds", sa.Integer), sa.Column("service_seconds", sa.Integer),
    sa.Index("ix_tickets_day", "day", "doctor_id"),
    schema=SCHEMA,
)

penalties = sa.Table(
    "penalties", metadata,
    _id("penalty_id", primary_key=True),
    _id("appointment_id"), _id("patient_id"), _id("doctor_id"),
    sa.Column("applied_day", sa.Date),
    sa.Column("waived", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Index("ix_penalties_applied_day", "applied_day"),
    schema=SCHEMA,
)

notifications = sa.Table(
    "notifications", metadata,
    _id("notification_id", primary_key=True),
    _id("recipient_id"), sa.Column("channel", sa.String(10)), sa.Column("kind", sa.String(40)),
    sa.Column("dedup_key", sa.Text), _ts("first_at"), sa.Column("day", sa.Date),
    sa.Column("status", sa.String(10)), _stamp("status_stamp"), sa.Column("attempts", sa.Integer),
    sa.Index("ix_notifications_day", "day", "channel", "kind"),
    schema=SCHEMA,
)

people = sa.Table(
    "people", metadata,
    _id("user_id", primary_key=True),
    sa.Column("full_name", sa.Text), _stamp("name_stamp"),
    sa.Column("role", sa.String(20)), _stamp("role_stamp"),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    _stamp("active_stamp"),
    schema=SCHEMA,
)

# Append-only: the service's role may INSERT and SELECT, never UPDATE, DELETE or TRUNCATE.
audit_log = sa.Table(
    "audit_log", metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    _id("event_id", nullable=False, unique=True),
    _ts("occurred_at", nullable=False),
    sa.Column("action", sa.String(80), nullable=False),
    _id("subject_id"), _id("actor_id"), sa.Column("actor_role", sa.String(20)),
    sa.Column("correlation_id", sa.String(200)),
    sa.Column("detail", JSONB, nullable=False, server_default="{}"),
    _ts("recorded_at", nullable=False, server_default=sa.func.now()),
    sa.Index("ix_audit_log_time", "occurred_at", "id"),
    sa.Index("ix_audit_log_actor", "actor_id", "occurred_at"),
    sa.Index("ix_audit_log_subject", "subject_id", "occurred_at"),
    sa.Index("ix_audit_log_action", "action", "occurred_at"),
    schema=SCHEMA,
)

# The read models a replay empties and rebuilds (never the audit log: it only grows).
READ_MODELS = (appointments, tickets, penalties, notifications, people)
