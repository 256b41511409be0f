"""Offline writes over HTTP (docs/api.md, Offline writes): a walk-in takes the client's id and
comes with a patient voucher; profile fields are last-write-wins by ``client_updated_at`` with
the desk's write over the patient's, whatever the clocks (``HMS-Write-Outcome``)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from hms_platform.auth import JwksCache, StaticJwksSource, TokenVerifier
from hms_platform.errors import Unauthorized

OUTCOME = "HMS-Write-Outcome"


def _at(minutes: float = 0, days: float = 0) -> str:
    return (datetime.now(UTC) + timedelta(minutes=minutes, days=days)).isoformat()


async def _desk(api) -> dict[str, str]:
    _, desk = await api.user_with_role("receptionist")
    return dict(api.bearer(desk["access_token"]))


async def test_a_walk_in_takes_the_clients_id_and_comes_with_a_voucher(api, settings) -> None:
    desk, chosen = await _desk(api), str(uuid.uuid4())
    made = await api.client.post("/api/auth/patients", headers=desk, json={
        "id": chosen, "phone_number": api.new_phone(), "full_name": "Wanjiru Kamau"})
    assert made.status_code == 201, made.text
    assert made.json()["id"] == chosen
    again = await api.client.post("/api/auth/patients", headers=desk, json={
        "id": chosen, "phone_number": api.new_phone(), "full_name": "Someone Else"})
    assert again.status_code == 409, again.text

    jwks = (await api.client.get("/api/auth/.well-known/jwks.json")).json()
    access = TokenVerifier(JwksCache(StaticJwksSource(jwks)), issuer=settings.jwt_issuer,
                           audience=settings.jwt_audience)
    voucher = made.json()["voucher"]
    vouched = await access.for_type("hms-patient+jwt").verify(voucher)
    assert (str(vouched.user_id), vouched.claims["full_name"]) == (chosen, "Wanjiru Kamau")
    with pytest.raises(Unauthorized):  # never an access token
        await access.verify(voucher)
    me = await api.client.get("/api/auth/me", headers=api.bearer(voucher))
    assert me.status_code == 401


@pytest.mark.parametrize("staff_first", [True, False])
@pytest.mark.parametrize("staff_clock_ahead", [True, False])
async def test_the_desks_value_stays_whatever_the_order_and_the_clocks(
        api, staff_first: bool, staff_clock_ahead: bool) -> None:
    patient, tokens = await api.user_with_role("patient")
    desk = await _desk(api)
    staff_at, patient_at = (-1, -3) if staff_clock_ahead else (-3, -1)
    writes = [
        ("desk", f"/api/auth/patients/{patient['id']}", desk,
         {"full_name": "Name From The Desk", "client_updated_at": _at(minutes=staff_at)}),
        ("patient", "/api/auth/me", api.bearer(tokens["access_token"]),
         {"full_name": "Name From The App", "client_updated_at": _at(minutes=patient_at)}),
    ]
    if not staff_first:
        writes.reverse()
    outcomes = {}
    for who, url, headers, body in writes:
        answer = await api.client.patch(url, headers=headers, json=body)
        assert answer.status_code == 200, answer.text
        outcomes[who] = answer.headers[OUTCOME]
    assert outcomes["desk"] == "applied"
    assert outcomes["patient"] == ("superseded" if staff_first else "applied")
    me = await api.client.get("/api/auth/me", headers=api.bearer(tokens["access_token"]))
    assert me.json()["full_name"] == "Name From The Desk"


async def test_an_older_write_is_superseded_per_field_and_too_old_is_refused(api) -> None:
    _, tokens = await api.user_with_role("patient")
    mine = api.bearer(tokens["access_token"])
    online = await api.client.patch("/api/auth/me", headers=mine,
                                    json={"full_name": "Online Name"})
    assert online.status_code == 200 and OUTCOME not in online.headers
    phone = api.new_phone()
    late = await api.client.patch("/api/auth/me", headers=mine, json={
        "full_name": "Offline Name", "phone_number": phone, "client_updated_at": _at(minutes=-5)})
    # the name lost to the later online write; the phone number (never written since) won
    assert late.status_code == 200 and late.headers[OUTCOME] == "applied"
    assert (late.json()["full_name"], late.json()["phone_number"]) == ("Online Name", phone)
    lost = await api.client.patch("/api/auth/me", headers=mine, json={
        "full_name": "Older Still", "client_updated_at": _at(minutes=-10)})
    assert lost.headers[OUTCOME] == "superseded" and lost.json()["full_name"] == "Online Name"
    old = await api.client.patch("/api/auth/me", headers=mine, json={
        "full_name": "Too Old", "client_updated_at": _at(days=-8)})
    assert old.status_code == 422 and "older than 7 days" in old.json()["detail"]


async def test_the_desk_edits_patients_only(api) -> None:
    desk = await _desk(api)
    doctor = await api.create_staff("doctor")
    refused = await api.client.patch(f"/api/auth/patients/{doctor['id']}", headers=desk,
                                     json={"full_name": "Renamed"})
    assert refused.status_code == 404
    patient, tokens = await api.user_with_role("patient")
    other = await api.client.patch(f"/api/auth/patients/{patient['id']}",
                                   headers=api.bearer(tokens["access_token"]),
                                   json={"full_name": "Self Via Desk Route"})
    assert other.status_code == 403
    done = await api.client.patch(f"/api/auth/patients/{patient['id']}", headers=desk,
                                  json={"full_name": "Fixed Spelling"})
    assert done.status_code == 200 and done.json()["full_name"] == "Fixed Spelling"
