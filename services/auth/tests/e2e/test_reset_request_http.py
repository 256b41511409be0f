"""A patient asks for their own reset code over HTTP (real Postgres): one answer whatever the
number, the password untouched until the code is redeemed, one sealed event per code sent,
and the limits per number (silent) and per address (429)."""

from __future__ import annotations

import sqlalchemy as sa

from hms_platform.sealing import Sealer

URL = "/api/auth/password-reset/request"
SENT = {"message": "If an account uses this number, a code is on its way by SMS."}


async def resets(engine) -> list[dict]:
    async with engine.connect() as conn:
        return [body["payload"] for body in (await conn.execute(sa.text(
            "SELECT body FROM auth.outbox WHERE name = 'auth.password_reset_issued.v1' "
            "ORDER BY id"))).scalars()]


def opener(settings):
    sealer = Sealer.from_base64(settings.code_encryption_key.get_secret_value())
    return lambda event: sealer.open(event["sealed_code"], f"password_reset:{event['user_id']}")


async def test_unknown_staff_and_patient_numbers_get_the_same_answer(api, auth_engine) -> None:
    patient = await api.register_patient()
    doctor = await api.create_staff("doctor", phone_number=api.new_phone())
    answers = [await api.client.post(URL, json={"phone_number": phone})
               for phone in (api.new_phone(), doctor["phone_number"], patient["phone_number"])]
    assert [a.status_code for a in answers] == [202, 202, 202]
    assert [a.json() for a in answers] == [SENT, SENT, SENT]
    assert len({a.headers["content-length"] for a in answers}) == 1
    [event] = await resets(auth_engine)  # only the patient's number got a code
    assert event["user_id"] == event["issued_by"] == patient["id"]
    assert event["shown_to_issuer"] is False
    assert (await api.client.post(URL, json={"phone_number": "not a number"})).status_code == 422
    assert (await api.client.post(URL, json={})).status_code == 422


async def test_the_old_password_works_until_the_code_sets_a_new_one(
        api, auth_engine, settings) -> None:
    patient = await api.register_patient(password="the old password")
    phone, code_of = patient["phone_number"], opener(settings)
    session = await api.tokens(phone, "the old password")
    assert (await api.client.post(URL, json={"phone_number": phone})).status_code == 202
    [first] = await resets(auth_engine)
    await api.tokens(phone, "the old password")  # nobody was locked out by the request
    me = await api.client.get("/api/auth/me", headers=api.bearer(session["access_token"]))
    assert me.status_code == 200
    assert (await api.client.post(URL, json={"phone_number": phone})).status_code == 202
    _, second = await resets(auth_engine)
    stale = await api.client.post("/api/auth/password-reset", json={
        "phone_number": phone, "code": code_of(first), "new_password": "a new password"})
    assert stale.status_code == 401  # the second request replaced the first code
    redeemed = await api.client.post("/api/auth/password-reset", json={
        "phone_number": phone, "code": code_of(second), "new_password": "a new password"})
    assert redeemed.status_code == 204
    assert (await api.sign_in(phone, "the old password")).status_code == 401
    await api.tokens(phone, "a new password")
    refreshed = await api.client.post("/api/auth/token/refresh",
                                      json={"refresh_token": session["refresh_token"]})
    assert refreshed.status_code == 401  # every earlier session ended with the redeem


async def test_a_fourth_request_within_the_hour_sends_nothing(api, auth_engine) -> None:
    phone = (await api.register_patient())["phone_number"]
    for n in range(4):
        answer = await api.client.post(URL, json={"phone_number": phone},
                                       headers={"X-Forwarded-For": f"198.51.100.{n}"})
        assert answer.status_code == 202 and answer.json() == SENT
    assert len(await resets(auth_engine)) == 3


async def test_an_address_past_its_limit_gets_429(make_client, new_phone) -> None:
    client = await make_client(throttle_reset_requests_per_address=2)
    attacker = {"X-Forwarded-For": "203.0.113.9"}
    for _ in range(2):
        answer = await client.post(URL, json={"phone_number": new_phone()}, headers=attacker)
        assert answer.status_code == 202
    refused = await client.post(URL, json={"phone_number": new_phone()}, headers=attacker)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    assert refused.headers["content-type"] == "application/problem+json"
    other = await client.post(URL, json={"phone_number": new_phone()},
                              headers={"X-Forwarded-For": "198.51.100.50"})
    assert other.status_code == 202
