"""An offline desk's batch through the real owners: `make run`'s process, started for real
(embedded Postgres, in-memory bus, every service on one port), sync forwarding each operation
to auth's and the queue's own routes in process. A walk-in registered, given a ticket and moved
up; one illegal operation and two the owner refuses (not the caller's to do, a client time a
month old) among them; the same batch again: the
same records, duplicates, one effect; then the pull shows the ticket to reception and to the
line's doctor."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from hms_platform.testing.embedded import embedded_client
from hms_platform.testing.polling import eventually

pytestmark = pytest.mark.e2e
ADMIN_PASSWORD = "admin-password-for-sync-1"


@pytest.fixture
async def system(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    def env_for(port: int) -> dict[str, str]:
        return {**os.environ, "HMS_PORT": str(port), "HMS_DATA_DIR": str(tmp_path / "data"),
                "HMS_LOG_LEVEL": "WARNING", "HMS_ADMIN_PASSWORD": ADMIN_PASSWORD}

    async with embedded_client(env_for, tmp_path / "run.log", ready="/api/sync/readyz",
                               timeout=90, client_timeout=30) as client:
        yield client


class Caller:
    def __init__(self, http: httpx.AsyncClient, token: str = "") -> None:
        self.http = http
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    async def call(self, method: str, path: str, expect: int = 200, **kwargs: Any) -> Any:
        answer = await self.http.request(method, path, headers=self.headers, **kwargs)
        assert answer.status_code == expect, (method, path, answer.status_code, answer.text)
        return answer.json() if answer.content else None


async def signed_in(http: httpx.AsyncClient, username: str, password: str) -> Caller:
    answer = await http.post("/api/auth/token", data={"username": username,
                                                      "password": password})
    assert answer.status_code == 200, answer.text
    return Caller(http, answer.json()["access_token"])


def phone() -> str:
    return f"+2547{uuid.uuid4().int % 10**8:08d}"


async def test_an_offline_desk_batch_applied_once_and_pulled(system) -> None:
    http, tag = system, uuid.uuid4().hex[:6]
    admin = await signed_in(http, "admin", ADMIN_PASSWORD)
    doctor = await admin.call("POST", "/api/auth/users", 201, json={
        "username": f"dr{tag}", "password": "doctor-password-1", "role": "doctor",
        "full_name": "Dr Sync", "department": "General", "room": "3"})
    await admin.call("POST", "/api/auth/users", 201, json={
        "username": f"desk{tag}", "password": "desk-password-1", "role": "receptionist",
        "full_name": "Front Desk"})
    desk = await signed_in(http, f"desk{tag}", "desk-password-1")
    medic = await signed_in(http, f"dr{tag}", "doctor-password-1")
    # Online, first: a probe ticket, retried until the queue has heard of the doctor.
    probe = await desk.call("POST", "/api/auth/patients", 201, json={
        "phone_number": phone(), "full_name": "Probe Patient"})

    async def doctor_known() -> bool:
        answer = await http.post("/api/queue/tickets", headers=desk.headers, json={
            "patient_id": probe["id"], "doctor_id": doctor["id"], "urgency": 5})
        return answer.status_code == 201
    await eventually(doctor_known, timeout=30, interval=0.2)

    walk_in, ticket = str(uuid.uuid4()), str(uuid.uuid4())
    now = datetime.now(UTC).isoformat()
    batch = {"operations": [
        {"op_id": str(uuid.uuid4()), "entity": "patient", "action": "register", "id": walk_in,
         "fields": {"phone_number": phone(), "full_name": "Offline Walk-In"}},
        {"op_id": str(uuid.uuid4()), "entity": "ticket", "action": "issue", "id": ticket,
         "fields": {"patient_id": walk_in, "doctor_id": doctor["id"], "urgency": 3}},
        {"op_id": str(uuid.uuid4()), "entity": "ticket", "action": "update", "id": ticket,
         "fields": {"status": "served"}, "client_updated_at": now},  # not writable: refused
        {"op_id": str(uuid.uuid4()), "entity": "ticket", "action": "serve", "id": ticket},
        {"op_id": str(uuid.uuid4()), "entity": "ticket", "action": "update", "id": ticket,
         "fields": {"urgency": 1}, "client_updated_at": now},
        {"op_id": str(uuid.uuid4()), "entity": "ticket", "action": "update", "id": ticket,
         "fields": {"urgency": 4},  # made a month ago: older than the queue accepts
         "client_updated_at": (datetime.now(UTC) - timedelta(days=30)).isoformat()},
    ]}
    first = (await desk.call("POST", "/api/sync", json=batch))["results"]
    assert [r["outcome"] for r in first] == [
        "applied", "applied", "rejected", "rejected", "applied", "rejected"], first
    assert [r["id"] for r in first] == [walk_in, ticket, ticket, ticket, ticket, ticket]
    assert first[2]["problem"]["status"] == 422  # refused by sync: status is not a field
    assert first[3]["problem"]["status"] == 403  # refused by the queue: not the line's doctor
    assert first[5]["problem"]["status"] == 422  # the queue's: client_updated_at too old

    again = (await desk.call("POST", "/api/sync", json=batch))["results"]
    assert [r["outcome"] for r in again] == [
        "duplicate", "duplicate", "rejected", "rejected", "duplicate", "rejected"], again

    reused = {**batch["operations"][4], "fields": {"urgency": 2}}  # its op_id, another write
    (refused,) = (await desk.call("POST", "/api/sync", json={"operations": [reused]}))["results"]
    assert (refused["outcome"], refused["problem"]["status"]) == ("rejected", 422), refused

    line = await medic.call("GET", f"/api/queue/doctors/{doctor['id']}")
    waiting = [w for w in line["waiting"] if w["id"] == ticket]
    assert len(line["waiting"]) == 2 and len(waiting) == 1  # the probe's and the batch's
    assert waiting[0]["urgency"] == 1 and waiting[0]["patient_id"] == walk_in

    for puller in (desk, medic):  # today's lines; the doctor's own line
        async def pulled(puller: Caller = puller) -> bool:
            changes = (await puller.call("GET", "/api/sync/changes"))["changes"]
            mine = [c for c in changes if c["id"] == ticket]
            return bool(mine) and max(c["fields"].get("urgency") for c in mine) == 1
        await eventually(pulled, timeout=30, interval=0.2)

    # A patient's app: their profile (through /me) and their preferences (read, then written
    # whole), then their own pull, which shows the new name and nobody else's records.
    number = phone()
    registered = await Caller(http).call("POST", "/api/auth/patients/register", 201, json={
        "phone_number": number, "password": "patient-password-1", "full_name": "Amina"})
    patient = await signed_in(http, number, "patient-password-1")
    mine = (await patient.call("POST", "/api/sync", json={"operations": [
        {"op_id": str(uuid.uuid4()), "entity": "patient", "action": "update",
         "id": registered["id"], "fields": {"full_name": "Amina Offline"},
         "client_updated_at": datetime.now(UTC).isoformat()},
        {"op_id": str(uuid.uuid4()), "entity": "preferences", "action": "update",
         "fields": {"channels": ["email"]}},
        {"op_id": str(uuid.uuid4()), "entity": "ticket", "action": "update", "id": ticket,
         "fields": {"urgency": 5}},  # another's ticket: the queue refuses a patient
    ]}))["results"]
    assert [r["outcome"] for r in mine] == ["applied", "applied", "rejected"], mine
    assert (await patient.call("GET", "/api/notifications/preferences"))["channels"] == [
        "email"]

    async def own_profile() -> bool:
        changes = (await patient.call("GET", "/api/sync/changes"))["changes"]
        assert {c["id"] for c in changes} <= {registered["id"]}  # nothing of anyone else's
        return any(c["fields"].get("full_name") == "Amina Offline" for c in changes)
    await eventually(own_profile, timeout=30, interval=0.2)
