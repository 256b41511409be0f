"""Each service runs as its own database role, which can read no other service's schema
(security): provisioned for real, migrated as that role, then attacked."""

from __future__ import annotations

import asyncpg
import pytest

import hms_appointments
import hms_auth
import hms_notifications
import hms_queue
import hms_reporting
import hms_sync
from hms_platform.db import make_engine
from hms_platform.migrations import upgrade

MIGRATIONS = {"auth": hms_auth.MIGRATIONS, "appointments": hms_appointments.MIGRATIONS,
              "queue": hms_queue.MIGRATIONS, "notifications": hms_notifications.MIGRATIONS,
              "reporting": hms_reporting.MIGRATIONS, "sync": hms_sync.MIGRATIONS}


async def test_services_migrate_as_their_own_roles_and_cannot_reach_each_other(
    provisioned,
) -> None:
    for schema, migrations in MIGRATIONS.items():  # each migrates as itself, not as admin
        engine = make_engine(provisioned.url_for(schema), pool_size=1)
        await upgrade(engine, migrations)
        await engine.dispose()
    auth = await provisioned.connect_as("auth")
    appointments = await provisioned.connect_as("appointments")
    queue = await provisioned.connect_as("queue")
    notifications = await provisioned.connect_as("notifications")
    reporting = await provisioned.connect_as("reporting")
    sync = await provisioned.connect_as("sync")
    try:
        # each owns and uses its own tables
        assert await auth.fetchval("SELECT count(*) FROM auth.users") == 0
        assert await appointments.fetchval(
            "SELECT count(*) FROM appointments.appointments") == 0
        assert await queue.fetchval("SELECT count(*) FROM queue.tickets") == 0
        assert await notifications.fetchval(
            "SELECT count(*) FROM notifications.messages") == 0
        assert await reporting.fetchval("SELECT count(*) FROM reporting.audit_log") == 0
        assert await sync.fetchval("SELECT count(*) FROM sync.changes") == 0
        # the audit trail is append-only, even for the role that owns it
        await reporting.execute(
            "INSERT INTO reporting.audit_log (event_id, occurred_at, action) "
            "VALUES (gen_random_uuid(), now(), 'auth.login_failed')")
        await reporting.execute("TRUNCATE reporting.appointments, reporting.people")  # a replay
        # and reaches nothing of the other's: not the password hashes, not the diagnoses
        attacks = [
            (appointments, "SELECT password_hash FROM auth.users"),
            (appointments, "SELECT * FROM auth.signing_keys"),
            (appointments, "DELETE FROM auth.outbox"),
            (auth, "SELECT diagnosis FROM appointments.appointments"),
            (auth, "UPDATE appointments.penalties SET waived_at = now()"),
            (auth, "CREATE TABLE appointments.planted (id int)"),
            (queue, "SELECT password_hash FROM auth.users"),
            (queue, "SELECT diagnosis FROM appointments.appointments"),
            (queue, "INSERT INTO appointments.outbox (name) VALUES ('forged')"),
            (appointments, "SELECT patient_id FROM queue.tickets"),
            (appointments, "UPDATE queue.tickets SET urgency = 1"),
            (auth, "DELETE FROM queue.ticket_history"),
            (notifications, "SELECT password_hash FROM auth.users"),
            (notifications, "SELECT diagnosis FROM appointments.appointments"),
            (notifications, "INSERT INTO queue.outbox (name) VALUES ('forged')"),
            (auth, "SELECT params FROM notifications.messages"),
            (appointments, "UPDATE notifications.contacts SET phone_number = '+1'"),
            (queue, "DELETE FROM notifications.preferences"),
            (reporting, "UPDATE reporting.audit_log SET action = 'forged'"),
            (reporting, "DELETE FROM reporting.audit_log"),
            (reporting, "TRUNCATE reporting.audit_log"),
            (reporting, "SELECT password_hash FROM auth.users"),
            (reporting, "SELECT diagnosis FROM appointments.appointments"),
            (reporting, "INSERT INTO auth.outbox (name) VALUES ('forged')"),
            (auth, "SELECT payload FROM reporting.events"),
            (appointments, "INSERT INTO reporting.audit_log (action) VALUES ('forged')"),
            (notifications, "DELETE FROM reporting.audit_log"),
            (sync, "SELECT diagnosis FROM appointments.appointments"),
            (sync, "UPDATE queue.tickets SET urgency = 1"),
            (sync, "SELECT password_hash FROM auth.users"),
            (queue, "SELECT fields FROM sync.changes"),
            (reporting, "DELETE FROM sync.changes"),
        ]
        for conn, sql in attacks:
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute(sql)
    finally:
        await auth.close()
        await appointments.close()
        await queue.close()
        await notifications.close()
        await reporting.close()
        await sync.close()
