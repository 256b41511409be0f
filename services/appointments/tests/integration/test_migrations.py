"""The schema the migrations build: its own schema, the no-overlap constraints, idempotent."""

from __future__ import annotations

from hms_appointments import MIGRATIONS
from hms_platform.migrations import upgrade
from hms_platform.testing.database import head


async def test_migrations_are_idempotent_and_build_the_constraints(db, world) -> None:
    await upgrade(db, MIGRATIONS)  # already at head: nothing to do, nothing broken
    assert (await world.scalar("SELECT version_num FROM appointments.alembic_version")
            == head(MIGRATIONS))
    constraints = await world.scalar(
        "SELECT array_agg(conname::text ORDER BY conname) FROM pg_constraint "
        "WHERE connamespace = 'appointments'::regnamespace AND contype IN ('x', 'u')")
    assert {"appointments_no_doctor_overlap", "appointments_no_patient_overlap",
            "penalties_appointment_id_key"} <= set(constraints)
    definition = await world.scalar(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conname = 'appointments_no_doctor_overlap'")
    assert "EXCLUDE USING gist" in definition and "tstzrange(start_at, end_at)" in definition
    assert "booked" in definition and "checked_in" in definition
    elsewhere = await world.scalar(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'appointments' "
        "AND table_schema <> 'appointments'")
    assert elsewhere == 0
