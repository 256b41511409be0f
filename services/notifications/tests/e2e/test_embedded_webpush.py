"""Web Push in ``make run``'s process (``python -m hms_embedded``), without the internet: the run
makes its VAPID key at first start (owner-only, in the data folder) and serves its public half;
a patient registers a subscription whose endpoint is a local push service (allowed through
NOTIFICATIONS_WEBPUSH_ORIGINS); reception checks the patient in, the doctor calls the next
ticket, and the push service receives turn_now once, its VAPID token valid and its payload
decrypted with the subscription's keys."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from hms_notifications.adapters.channels.vapid import load_private_key, public_key
from hms_platform.testing.embedded import embedded_client
from hms_platform.testing.modules import load_beside
from hms_platform.testing.polling import eventually

PUSH = load_beside(__file__, "../push_service.py", "hms_notifications_embedded_push_service")


@pytest.fixture
async def push() -> AsyncIterator[Any]:
    server = PUSH.PushService()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def system(tmp_path: Path, push: Any) -> AsyncIterator[tuple[httpx.AsyncClient, Path]]:
    def env_for(port: int) -> dict[str, str]:
        env = {**os.environ, "HMS_PORT": str(port), "HMS_DATA_DIR": str(tmp_path / "data"),
               "HMS_LOG_LEVEL": "WARNING",
               "NOTIFICATIONS_WEBPUSH_ORIGINS": json.dumps([push.url])}
        for name in ("HMS_ADMIN_PASSWORD", "NOTIFICATIONS_VAPID_PRIVATE_KEY",
                     "NOTIFICATIONS_VAPID_SUBJECT"):
            env.pop(name, None)
        return env

    async with embedded_client(env_for, tmp_path / "run.log", ready="/api/queue/readyz",
                               timeout=60, client_timeout=10) as client:
        yield client, tmp_path / "data"


async def sign_in(client: httpx.AsyncClient, username: str, password: str) -> dict[str, str]:
    response = await client.post("/api/auth/token",
                                 data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def test_a_called_patient_gets_turn_now_by_web_push_once(system, push) -> None:  # type: ignore[no-untyped-def]
    client, data_dir = system
    key_file = data_dir / "vapid-key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    expected_key = public_key(load_private_key(key_file.read_text()))

    registered = await client.post("/api/auth/patients/register", json={
        "phone_number": "+254 712 345 670", "password": "correct horse battery",
        "full_name": "Amina Otieno"})
    assert registered.status_code == 201, registered.text
    patient = await sign_in(client, "0712345670", "correct horse battery")
    patient_id = (await client.get("/api/auth/me", headers=patient)).json()["id"]
    key = (await client.get("/api/notifications/push/key", headers=patient)).json()
    assert key == {"public_key": expected_key}
    subscription = push.subscribe("amina-phone")
    put = await client.put("/api/notifications/preferences", headers=patient, json={
        "channels": ["sms", "push"], "devices": [subscription]})
    assert put.status_code == 200, put.text

    admin = await sign_in(client, "admin", (data_dir / "admin-password").read_text().strip())
    staff = {}
    for username, role in (("dr.kamau", "doctor"), ("desk.wanjiru", "receptionist")):
        extra = {"department": "General", "room": "12"} if role == "doctor" else {}
        created = await client.post("/api/auth/users", headers=admin, json={
            "username": username, "password": f"{role} password 1", "role": role,
            "full_name": username, **extra})
        assert created.status_code == 201, created.text
        staff[role] = (created.json()["id"], await sign_in(client, username,
                                                           f"{role} password 1"))
    doctor_id, doctor = staff["doctor"]
    _, desk = staff["receptionist"]

    async def checked_in() -> bool:  # 404 until the queue has heard of both users
        issued = await client.post("/api/queue/tickets", headers=desk, json={
            "patient_id": patient_id, "doctor_id": doctor_id, "urgency": 4})
        assert issued.status_code in (201, 404), issued.text
        return issued.status_code == 201

    await eventually(checked_in)
    called = await client.post(f"/api/queue/doctors/{doctor_id}/call-next", headers=doctor)
    assert called.status_code == 200, called.text

    def turn_now() -> list[dict[str, Any]]:
        return [r for r in push.received if r["payload"]["kind"] == "turn_now"]

    async def pushed() -> bool:
        page = (await client.get("/api/notifications/mine", headers=patient)).json()
        return bool(turn_now()) and any(
            m["kind"] == "turn_now" and m["channel"] == "push" and m["status"] == "sent"
            for m in page["items"])

    await eventually(pushed)
    page = (await client.get("/api/notifications/mine", headers=patient)).json()
    [row] = [m for m in page["items"] if m["kind"] == "turn_now" and m["channel"] == "push"]
    [got] = turn_now()
    assert got["payload"] == {"title": row["subject"], "body": row["body"], "kind": "turn_now",
                              "notification_id": row["id"], "url": "/patient/ticket"}
    assert "room 12" in row["body"]
    assert got["vapid"]["k"] == expected_key and got["vapid"]["aud"] == push.url
    assert got["vapid"]["sub"] == "mailto:admin@hms.local"
    assert push.refused == []
