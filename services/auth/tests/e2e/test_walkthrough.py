"""The README's curl walkthrough, request for request: register, sign in, refresh, /me."""

from __future__ import annotations

import json

from joserfc.util import urlsafe_b64decode


async def test_register_sign_in_refresh_and_fetch_me(client) -> None:
    registered = await client.post("/api/auth/patients/register", json={
        "phone_number": "0712 345 678", "password": "correct horse battery",
        "full_name": "Amina Wanjiru", "email": "amina@example.com"})
    assert registered.status_code == 201, registered.text
    assert registered.json()["username"] == "+254712345678"

    signed_in = await client.post("/api/auth/token", data={
        "grant_type": "password", "username": "0712345678", "password": "correct horse battery"})
    assert signed_in.status_code == 200, signed_in.text
    assert signed_in.headers["cache-control"] == "no-store"
    pair = signed_in.json()
    assert pair["token_type"] == "bearer" and pair["expires_in"] == 900
    header = json.loads(urlsafe_b64decode(pair["access_token"].split(".")[0].encode()))
    assert header["alg"] == "ES256" and header["typ"] == "at+jwt" and header["kid"]

    refreshed = await client.post("/api/auth/token/refresh",
                                  json={"refresh_token": pair["refresh_token"]})
    assert refreshed.status_code == 200, refreshed.text
    assert refreshed.json()["refresh_token"] != pair["refresh_token"]

    me = await client.get("/api/auth/me", headers={
        "Authorization": f"Bearer {refreshed.json()['access_token']}"})
    assert me.status_code == 200
    assert {k: me.json()[k] for k in ("full_name", "role", "phone_number", "activated")} == {
        "full_name": "Amina Wanjiru", "role": "patient", "phone_number": "+254712345678",
        "activated": True}

    again = await client.post("/api/auth/token/refresh",
                              json={"refresh_token": pair["refresh_token"]})
    assert again.status_code == 401
    assert again.headers["content-type"] == "application/problem+json"


async def test_a_walk_in_patient_activates_with_the_code_from_the_desk(client, api) -> None:
    desk = (await api.user_with_role("receptionist"))[1]["access_token"]
    created = await client.post("/api/auth/patients", headers=api.bearer(desk),
                                json={"phone_number": "+254 722 000 111", "full_name": "Baraka"})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["activated"] is False and created.headers["cache-control"] == "no-store"
    code = body["activation_code"]

    reissued = await client.post(f"/api/auth/patients/{body['id']}/activation-code",
                                 headers=api.bearer(desk))
    assert reissued.status_code == 201
    stale, code = code, reissued.json()["activation_code"]
    assert code != stale

    refused = await client.post("/api/auth/patients/activate", json={
        "phone_number": "0722000111", "activation_code": stale, "password": "pw-123456"})
    assert refused.status_code == 401
    activated = await client.post("/api/auth/patients/activate", json={
        "phone_number": "0722000111", "activation_code": code, "password": "baraka's password"})
    assert activated.status_code == 204
    reused = await client.post("/api/auth/patients/activate", json={
        "phone_number": "0722000111", "activation_code": code, "password": "another password"})
    assert (reused.status_code, reused.json()["detail"]) == (401, refused.json()["detail"])
    assert (await api.sign_in("0722000111", "baraka's password")).status_code == 200

    again = await client.post(f"/api/auth/patients/{body['id']}/activation-code",
                              headers=api.bearer(desk))
    assert again.status_code == 409  # a code is not a desk password reset
