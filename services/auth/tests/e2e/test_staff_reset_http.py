"""The desk's reset of a patient's password, over HTTP: the reported takeover (receptionist
resets, reads the code off the answer, signs in as the patient) no longer works, the code
reaches the SMS path sealed, and the sign-in it leads to is audited as one after a reset."""

from __future__ import annotations

import sqlalchemy as sa

from hms_platform.sealing import Sealer


async def outbox(engine, name: str) -> list[dict]:
    async with engine.connect() as conn:
        return list((await conn.execute(sa.text(
            "SELECT body FROM auth.outbox WHERE name = :name ORDER BY id"),
            {"name": name})).scalars())


async def test_a_receptionist_cannot_take_over_a_patient_by_resetting_their_password(
        api, auth_engine, settings) -> None:
    patient = await api.register_patient(password="the patient's password")
    _, desk = await api.user_with_role("receptionist")
    desk_headers = api.bearer(desk["access_token"])
    reset = await api.client.post(f"/api/auth/users/{patient['id']}/password-reset",
                                  headers=desk_headers)
    assert reset.status_code == 201, reset.text
    body = reset.json()
    phone = patient["phone_number"]
    masked = f"{phone[:5]}••••{phone[-3:]}"
    assert body["code"] is None
    assert body["sent_to"] == masked and body["message"] == f"sent by SMS to {masked}"
    # The side door: an activation code, which the desk is shown, for the voided account.
    side_door = await api.client.post(f"/api/auth/patients/{patient['id']}/activation-code",
                                      headers=desk_headers)
    assert side_door.status_code == 409
    assert side_door.headers["content-type"] == "application/problem+json"
    # The code went into the event notifications sends by SMS, sealed for this patient.
    [event] = await outbox(auth_engine, "auth.password_reset_issued.v1")
    sealer = Sealer.from_base64(settings.code_encryption_key.get_secret_value())
    code = sealer.open(event["payload"]["sealed_code"], f"password_reset:{patient['id']}")
    assert code not in reset.text
    redeemed = await api.client.post("/api/auth/password-reset", json={
        "phone_number": phone, "code": code, "new_password": "set from the sms"})
    assert redeemed.status_code == 204
    await api.tokens(phone, "set from the sms")
    [*_, signed_in] = await outbox(auth_engine, "auth.login_succeeded.v1")
    assert signed_in["payload"]["user_id"] == patient["id"]
    assert signed_in["payload"]["after_staff_reset"] is True
    assert signed_in["payload"]["reset_issued_by"] is not None


async def test_only_a_walk_in_who_never_set_a_password_gets_the_code_at_the_desk(api) -> None:
    _, desk = await api.user_with_role("receptionist")
    desk_headers = api.bearer(desk["access_token"])
    walk_in = await api.client.post("/api/auth/patients", headers=desk_headers, json={
        "phone_number": api.new_phone(), "full_name": "Walk In"})
    assert walk_in.status_code == 201
    url = f"/api/auth/users/{walk_in.json()['id']}/password-reset"
    shown = await api.client.post(url, headers=desk_headers)
    assert shown.status_code == 201 and shown.json()["code"]
    assert shown.headers["cache-control"] == "no-store"
    activated = await api.client.post("/api/auth/password-reset", json={
        "phone_number": walk_in.json()["phone_number"], "code": shown.json()["code"],
        "new_password": "my first password"})
    assert activated.status_code == 204
    again = await api.client.post(url, headers=desk_headers)
    assert again.status_code == 201 and again.json()["code"] is None


async def test_a_staff_account_without_a_phone_number_is_409(api) -> None:
    doctor = await api.create_staff("doctor")
    answer = await api.client.post(f"/api/auth/users/{doctor['id']}/password-reset",
                                   headers=await api.admin())
    assert answer.status_code == 409
    assert answer.headers["content-type"] == "application/problem+json"
