"""`make run`'s process, started for real: embedded Postgres, in-memory bus, every service on
one port. A patient registers and signs in, an admin creates a doctor, the doctor reaches
appointments' directory through an event, gets a schedule, and the patient books a slot once;
then reception puts the patient in the doctor's queue as a walk-in, and the patient sees the
booking's confirmation among their notifications."""

from __future__ import annotations

import os
import stat
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from hms_platform.testing.embedded import embedded_client
from hms_platform.testing.polling import eventually


@pytest.fixture
async def system(tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, Path]]:
    def env_for(port: int) -> dict[str, str]:
        env = {**os.environ, "HMS_PORT": str(port), "HMS_DATA_DIR": str(tmp_path / "data"),
               "HMS_LOG_LEVEL": "WARNING"}
        env.pop("HMS_ADMIN_PASSWORD", None)
        return env

    async with embedded_client(env_for, tmp_path / "run.log", ready="/api/appointments/readyz",
                               timeout=60, client_timeout=10) as client:
        yield client, tmp_path / "data"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def sign_in(client: httpx.AsyncClient, username: str, password: str) -> str:
    response = await client.post("/api/auth/token",
                                 data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


async def test_patient_journey_through_the_embedded_system(system) -> None:
    client, data_dir = system
    # The signing keys' encryption key: made at first start, owner-only, never the dev constant.
    assert stat.S_IMODE((data_dir / "key-encryption-key").stat().st_mode) == 0o600
    health = await client.get("/api/auth/healthz")
    assert health.headers["cache-control"] == "no-store"
    assert health.headers["x-content-type-options"] == "nosniff"
    assert (await client.get("/api/appointments/metrics")).status_code == 404  # no token set
    nowhere = await client.get("/api/nowhere")  # the runner's own answer has the headers too
    assert nowhere.status_code == 404 and nowhere.headers["x-frame-options"] == "DENY"
    registered = await client.post("/api/auth/patients/register", json={
        "phone_number": "+254 712 345 678", "password": "correct horse battery",
        "full_name": "Amina Otieno"})
    assert registered.status_code == 201, registered.text
    patient = await sign_in(client, "0712345678", "correct horse battery")
    me = await client.get("/api/auth/me", headers=bearer(patient))
    assert me.json()["phone_number"] == "+254712345678"

    admin = await sign_in(client, "admin", (data_dir / "admin-password").read_text().strip())
    created = await client.post("/api/auth/users", headers=bearer(admin), json={
        "username": "dr.kamau", "password": "doctor password 1", "role": "doctor",
        "full_name": "Dr Kamau", "department": "General", "room": "12"})
    assert created.status_code == 201, created.text
    doctor_id = created.json()["id"]

    async def listed() -> bool:  # auth.user_registered.v1 -> outbox -> relay -> bus -> inbox
        doctors = (await client.get("/api/appointments/doctors", headers=bearer(patient))).json()
        return any(d["id"] == doctor_id for d in doctors["items"])

    await eventually(listed)
    weekly = [{"weekday": d, "start": "00:00", "end": "23:30"} for d in range(7)]
    schedule = await client.put(f"/api/appointments/doctors/{doctor_id}/schedule",
                                headers=bearer(admin),
                                json={"slot_minutes": 30, "weekly": weekly, "time_off": []})
    assert schedule.status_code == 200, schedule.text

    day = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    slots = (await client.get(f"/api/appointments/doctors/{doctor_id}/slots",
                              params={"date": day}, headers=bearer(patient))).json()["slots"]
    start = next(s["start"] for s in slots if s["available"])
    booking = {"doctor_id": doctor_id, "start": start}
    first = await client.post("/api/appointments", headers=bearer(patient), json=booking)
    second = await client.post("/api/appointments", headers=bearer(patient), json=booking)
    assert first.status_code == 201 and first.json()["status"] == "booked", first.text
    assert second.status_code == 409
    assert second.headers["content-type"].startswith("application/problem+json")
    mine = await client.get("/api/appointments", headers=bearer(patient))
    assert [a["id"] for a in mine.json()["items"]] == [first.json()["id"]]

    # The queue learned the same users from auth's events: reception registers the patient as
    # a walk-in in the doctor's line (404 until both have arrived), and the patient sees it.
    assert (await client.get("/api/queue/healthz")).status_code == 200
    walk_in = {"patient_id": me.json()["id"], "doctor_id": doctor_id, "urgency": 4}

    async def queued() -> bool:
        issued = await client.post("/api/queue/tickets", headers=bearer(admin), json=walk_in)
        assert issued.status_code in (201, 404), issued.text
        return issued.status_code == 201

    await eventually(queued)
    line = (await client.get("/api/queue/tickets/mine", headers=bearer(patient))).json()
    assert [(t["label"], t["position"], t["people_ahead"]) for t in line] == [("A-001", 1, 0)]

    # Notifications heard the booking: with the console channel every message is written to
    # the log and kept in the log table, so the patient sees the confirmation (by SMS: no email
    # and no device) and the two pending reminders.
    async def confirmed() -> bool:
        page = (await client.get("/api/notifications/mine", headers=bearer(patient))).json()
        return any(m["kind"] == "appointment_booked" and m["status"] == "sent"
                   for m in page["items"])

    await eventually(confirmed)
    page = (await client.get("/api/notifications/mine", headers=bearer(patient))).json()
    assert sorted((m["kind"], m["channel"], m["status"]) for m in page["items"]
                  if m["kind"].startswith("appointment")) == [
        ("appointment_booked", "sms", "sent"), ("appointment_reminder", "sms", "pending"),
        ("appointment_reminder", "sms", "pending")]

    # Reporting heard every event: the admin sees the booking in the report of its clinic days
    # and in the audit trail, with the patient who booked it.
    assert (await client.get("/api/reporting/healthz")).status_code == 200
    around = {"from": (datetime.now(UTC) - timedelta(days=1)).date().isoformat(),
              "to": (datetime.now(UTC) + timedelta(days=4)).date().isoformat(),
              "group_by": "status"}

    async def reported() -> bool:
        rows = (await client.get("/api/reports/appointments", params=around,
                                 headers=bearer(admin))).json()["rows"]
        return rows == [{"status": "booked", "appointments": 1}]

    await eventually(reported)
    trail = (await client.get("/api/audit", params={"action": "appointments.appointment_booked"},
                              headers=bearer(admin))).json()["items"]
    assert [(e["subject_id"], e["actor_id"], e["actor_role"]) for e in trail] == [
        (first.json()["id"], me.json()["id"], "patient")]
