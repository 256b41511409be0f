"""Idempotency keys on every service's writes, through `make run`'s process (every service on
one port, its own Postgres): the same write twice with one key has one effect and the same
answer; another request under the key is 422; the same write twice at once has one effect (the
other answer a 409 or the replay). Reporting has no writes."""

from __future__ import annotations

import asyncio
import shutil
import signal
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import pytest_asyncio

from hms_platform.testing.modules import load_beside
from hms_platform.testing.polling import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]  # one system
RUN = load_beside(__file__, "test_embedded_run.py", "hms_e2e_embedded_run")
JOURNEY = load_beside(__file__, "journey.py", "hms_e2e_journey")
ADMIN = "keys-admin-password-1"


class Clinic:
    """A doctor with hours from the next minutes on, and an admin's token."""

    def __init__(self, http: httpx.AsyncClient, admin: str, doctor: str, first: datetime):
        self.http, self.admin, self.doctor, self.first = http, admin, doctor, first

    async def patient(self) -> str:
        """A walk-in patient (appointments and the queue hear of them a moment later)."""
        made = await self.http.post("/api/auth/patients", headers=self.bearer(), json={
            "phone_number": phone(), "full_name": "Key Patient"})
        assert made.status_code == 201, made.text
        return str(made.json()["id"])

    def bearer(self, token: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token or self.admin}"}


def phone() -> str:
    return f"+2547{uuid.uuid4().int % 10**8:08d}"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def clinic(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Clinic]:
    zone = JOURNEY.daytime_zone()
    proc, data, url = await RUN.start(tmp_path_factory.mktemp("keys"), HMS_ADMIN_PASSWORD=ADMIN,
                                      HMS_CLINIC_TIMEZONE=zone)
    try:
        async with httpx.AsyncClient(base_url=url, timeout=15) as http:
            c = JOURNEY.Client(http)
            admin = await c.token("admin", ADMIN)
            doctor = await c.call("POST", "/api/auth/users", admin, 201, json={
                "username": "drkeys", "password": "doctor-password-1", "role": "doctor",
                "full_name": "Dr Keys", "department": "General", "room": "3"})
            first = await JOURNEY.hours_from_next_minute(c, admin, doctor["id"], ZoneInfo(zone))
            yield Clinic(http, admin, doctor["id"], first)
    finally:
        await RUN.stop(proc, signal.SIGTERM)
        shutil.rmtree(data.parent, ignore_errors=True)


async def send(c: Clinic, method: str, path: str, body: dict[str, Any], key: str,
               token: str | None = None) -> httpx.Response:
    return await c.http.request(method, path, json=body,
                                headers={**c.bearer(token), "Idempotency-Key": key})


async def known(attempt: Callable[[], Awaitable[Any]]) -> list[httpx.Response]:
    """``attempt()``'s answers once none is a 404: the service has heard of the patient (a
    refused write records nothing, so its key may be sent again)."""
    answers: list[httpx.Response] = []

    async def answered() -> bool:
        got = await attempt()
        answers[:] = got if isinstance(got, list) else [got]
        return all(a.status_code != 404 for a in answers)
    await eventually(answered, timeout=30, interval=0.2)
    return answers


async def replayed_once(c: Clinic, method: str, path: str, body: dict[str, Any],
                        other: dict[str, Any], token: str | None = None) -> httpx.Response:
    """The write, its replay (same answer, marked) and another request under its key (422)."""
    key = str(uuid.uuid4())
    first = (await known(lambda: send(c, method, path, body, key, token)))[0]
    assert first.status_code < 300, first.text
    again = await send(c, method, path, body, key, token)
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert again.headers.get("idempotent-replayed") == "true"
    assert "idempotent-replayed" not in first.headers
    misuse = await send(c, method, path, other, key, token)
    assert misuse.status_code == 422, misuse.text
    assert misuse.headers["content-type"] == "application/problem+json"
    return first


async def at_once(c: Clinic, method: str, path: str, body: dict[str, Any],
                  token: str | None = None) -> list[httpx.Response]:
    """The same keyed write twice at the same moment: one applies, the other is refused as
    in flight (409) or, if it came after, replays the first answer."""
    key = str(uuid.uuid4())
    answers = await known(lambda: asyncio.gather(
        *(send(c, method, path, body, key, token) for _ in range(2))))
    applied = [a for a in answers if a.status_code < 300
               and a.headers.get("idempotent-replayed") != "true"]
    assert len(applied) == 1, [(a.status_code, a.text) for a in answers]
    other = next(a for a in answers if a is not applied[0])
    assert other.status_code == 409 or other.json() == applied[0].json(), other.text
    return answers


async def test_auth_registers_a_walk_in_once(clinic: Clinic) -> None:
    number = phone()
    body = {"phone_number": number, "full_name": "Once Only"}
    first = await replayed_once(clinic, "POST", "/api/auth/patients", body,
                                {"phone_number": phone(), "full_name": "Someone Else"})
    again = await clinic.http.post("/api/auth/patients", headers=clinic.bearer(), json=body)
    assert again.status_code == 409  # without the key: the phone is taken, by the first only
    concurrent = {"phone_number": phone(), "full_name": "Twice At Once"}
    answers = await at_once(clinic, "POST", "/api/auth/patients", concurrent)
    assert len({a.json()["id"] for a in answers if a.status_code == 201}) == 1
    assert first.json()["phone_number"] == number


async def test_appointments_books_a_slot_once(clinic: Clinic) -> None:
    patient = await clinic.patient()
    slot = (clinic.first + timedelta(minutes=30)).isoformat()
    body = {"doctor_id": clinic.doctor, "start": slot, "patient_id": patient}
    other = {**body, "start": (clinic.first + timedelta(minutes=35)).isoformat()}
    await replayed_once(clinic, "POST", "/api/appointments", body, other)
    await at_once(clinic, "POST", "/api/appointments",
                  {**body, "patient_id": await clinic.patient(),
                   "start": (clinic.first + timedelta(minutes=40)).isoformat()})
    booked = await clinic.http.get("/api/appointments", headers=clinic.bearer(),
                                   params={"doctor_id": clinic.doctor, "limit": 100})
    starts = [a["start"] for a in booked.json()["items"] if a["status"] == "booked"]
    assert len(starts) == len(set(starts)) == 2  # one booking per slot, none for `other`


async def test_queue_issues_a_ticket_once(clinic: Clinic) -> None:
    patient = await clinic.patient()
    body = {"patient_id": patient, "doctor_id": clinic.doctor, "urgency": 3}
    first = await replayed_once(clinic, "POST", "/api/queue/tickets", body,
                                {**body, "urgency": 1})
    second = await clinic.patient()
    answers = await at_once(clinic, "POST", "/api/queue/tickets", {**body, "patient_id": second})
    line = await clinic.http.get(f"/api/queue/doctors/{clinic.doctor}",
                                 headers=clinic.bearer())
    assert line.status_code == 200, line.text
    mine = [t for t in line.json()["waiting"] if t["patient_id"] in (patient, second)]
    assert sorted(t["id"] for t in mine) == sorted(
        {first.json()["id"], *(a.json()["id"] for a in answers if a.status_code == 201)})


async def test_notifications_keeps_the_first_answer_to_a_preferences_change(clinic) -> None:
    number = phone()
    made = await clinic.http.post("/api/auth/patients/register", json={
        "phone_number": number, "password": "patient-password-1", "full_name": "Prefs"})
    assert made.status_code == 201, made.text
    token = await JOURNEY.Client(clinic.http).token(number, "patient-password-1")

    async def known() -> bool:  # the patient reached notifications' directory
        answer = await clinic.http.get("/api/notifications/preferences",
                                       headers=clinic.bearer(token))
        return answer.status_code == 200
    await eventually(known, timeout=30, interval=0.2)
    await replayed_once(clinic, "PUT", "/api/notifications/preferences", {"channels": ["sms"]},
                        {"channels": ["email"]}, token)
    kept = await clinic.http.get("/api/notifications/preferences", headers=clinic.bearer(token))
    assert kept.json()["channels"] == ["sms"]  # the refused request under the key changed nothing
    await at_once(clinic, "PUT", "/api/notifications/preferences",
                  {"channels": ["sms", "email"]}, token)


async def test_sync_answers_a_batch_sent_again_with_its_first_answer(clinic: Clinic) -> None:
    """sync's effect is in the owners (each operation under its op_id); the batch's own key
    is taken before any is forwarded, so a retried batch gets the first answer, not a list of
    duplicates, and reaches no owner again."""
    patient = await clinic.patient()
    batch = {"operations": [
        {"op_id": str(uuid.uuid4()), "entity": "ticket", "action": "issue",
         "id": str(uuid.uuid4()),
         "fields": {"patient_id": patient, "doctor_id": clinic.doctor, "urgency": 2}}]}

    async def applied() -> list[httpx.Response]:  # once the queue has heard of the patient
        key, answers = str(uuid.uuid4()), []
        answers.append(await send(clinic, "POST", "/api/sync", batch, key))
        if answers[0].json()["results"][0]["outcome"] == "applied":
            answers.append(await send(clinic, "POST", "/api/sync", batch, key))
            answers.append(await send(clinic, "POST", "/api/sync", {"operations": []}, key))
        return answers
    first, again, other = await eventually_answers(applied)
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    assert [r["outcome"] for r in again.json()["results"]] == ["applied"]
    assert other.status_code == 422  # another batch under the key
    without = await clinic.http.post("/api/sync", headers=clinic.bearer(), json=batch)
    assert [r["outcome"] for r in without.json()["results"]] == ["duplicate"]  # op_id's key


async def eventually_answers(attempt: Callable[[], Awaitable[list[httpx.Response]]]
                             ) -> list[httpx.Response]:
    answers: list[httpx.Response] = []

    async def three() -> bool:
        answers[:] = await attempt()
        return len(answers) == 3
    await eventually(three, timeout=30, interval=0.3)
    return answers
