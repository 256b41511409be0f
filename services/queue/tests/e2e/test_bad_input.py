"""Bad input is a problem+json 404, 409, 403 or 422, never a 500; and revoked tokens are
refused like auth refuses them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from hms_contracts.auth import SessionsRevoked
from hms_contracts.envelope import Envelope


async def walk_in(api, **body) -> object:
    payload = {"patient_id": str(api.ids["patient"]), "doctor_id": str(api.ids["doctor"]),
               "urgency": 3, **body}
    return await api.call("receptionist", "POST", "/tickets", json=payload)


@pytest.mark.parametrize(("body", "status"), [
    ({"patient_id": str(uuid.UUID(int=7))}, 404),
    ({"doctor_id": str(uuid.UUID(int=8))}, 404),
    ({"urgency": 0}, 422),
    ({"urgency": 6}, 422),
    ({"urgency": "high"}, 422),
    ({"patient_id": "not-a-uuid"}, 422),
    ({"extra": 1}, 422),
])
async def test_walk_in_refusals(api, body, status) -> None:
    response = await walk_in(api, **body)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_conflicts(api) -> None:
    ids = api.ids
    first = await walk_in(api)
    assert first.status_code == 201 and first.json()["label"] == "A-001"
    again = await walk_in(api)  # the same patient twice in one line
    assert again.status_code == 409
    ticket = first.json()["id"]
    serve = await api.call("doctor", "POST", f"/tickets/{ticket}/serve")  # not called
    assert serve.status_code == 409 and serve.json()["current_status"] == "waiting"
    other_line = await api.call("other_doctor", "POST", f"/tickets/{ticket}/serve")
    assert other_line.status_code == 404
    assert (await api.call("doctor", "POST", f"/doctors/{ids['doctor']}/call-next")).status_code \
        == 200
    busy = await api.call("doctor", "POST", f"/doctors/{ids['doctor']}/call-next")
    assert busy.status_code == 409 and busy.json()["called_ticket_id"] == ticket
    patch = await api.call("receptionist", "PATCH", f"/tickets/{ticket}", json={"urgency": 1})
    assert patch.status_code == 409  # called: no longer waiting
    assert (await api.call("doctor", "POST", f"/tickets/{ticket}/serve")).status_code == 200
    empty = await api.call("doctor", "POST", f"/doctors/{ids['doctor']}/call-next")
    assert empty.status_code == 404
    assert (await api.call("doctor", "DELETE", f"/tickets/{ticket}")).status_code == 403
    assert (await api.call("patient", "DELETE", f"/tickets/{ticket}")).status_code == 409


async def test_patch_refusals(api) -> None:
    ticket = (await walk_in(api)).json()["id"]
    for body, status in (({}, 422), ({"urgency": 9}, 422),
                         ({"doctor_id": str(uuid.UUID(int=3))}, 404),
                         ({"doctor_id": str(api.ids["other_patient"])}, 404)):
        response = await api.call("receptionist", "PATCH", f"/tickets/{ticket}", json=body)
        assert response.status_code == status, (body, response.text)
    missing = await api.call("receptionist", "PATCH", f"/tickets/{uuid.uuid4()}",
                             json={"urgency": 2})
    assert missing.status_code == 404


async def test_a_doctor_cannot_call_or_read_another_doctors_line(api) -> None:
    await walk_in(api)
    line = f"/doctors/{api.ids['doctor']}"
    assert (await api.call("other_doctor", "POST", f"{line}/call-next")).status_code == 403
    assert (await api.call("other_doctor", "GET", line)).status_code == 403
    assert (await api.call("admin", "GET", line)).json()["total_waiting"] == 1


async def test_a_patient_cannot_read_or_leave_another_patients_ticket(api) -> None:
    ticket = (await walk_in(api)).json()["id"]
    for method in ("GET", "DELETE"):
        response = await api.call("other_patient", method, f"/tickets/{ticket}")
        assert response.status_code == 404
    mine = (await api.call("other_patient", "GET", "/tickets/mine")).json()
    assert mine == []
    own = (await api.call("patient", "GET", "/tickets/mine")).json()
    assert [(t["id"], t["position"], t["people_ahead"]) for t in own] == [(ticket, 1, 0)]


async def test_revoked_tokens_are_refused(api) -> None:
    before = await api.call("patient", "GET", "/tickets/mine")
    assert before.status_code == 200
    await api.world.consumer(Envelope.of(SessionsRevoked(
        user_id=api.ids["patient"], not_before=datetime.now(UTC) + timedelta(seconds=5),
        reason="logout")))
    api.app.state.revocations._loaded_at = None  # do not wait for the 2 s refresh
    after = await api.call("patient", "GET", "/tickets/mine")
    assert after.status_code == 401
