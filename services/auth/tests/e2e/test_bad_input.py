"""Bad input gets a 4xx problem, never a 500; refusals to sign in never say why."""

from __future__ import annotations

import pytest

PROBLEM = "application/problem+json"
REGISTER = "/api/auth/patients/register"


def body(**fields: object) -> dict[str, object]:
    return {"phone_number": "0712345678", "password": "password-1", "full_name": "Amina",
            **fields}


async def expect(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["status"] == status and problem["title"] and problem["detail"]
    return problem


@pytest.mark.parametrize("fields", [
    {"phone_number": "12"}, {"phone_number": "phone"}, {"phone_number": "+999 123 456"},
    {"phone_number": ""}, {"phone_number": "0" * 41}, {"phone_number": None},
    {"email": "not-an-email"}, {"email": "a@b"}, {"email": "x" * 321}, {"email": ""},
    {"full_name": ""}, {"full_name": "   "}, {"full_name": "x" * 10_000},
    {"full_name": "nul\x00byte"}, {"password": "short"}, {"password": "x" * 1025},
    {"username": "1starts-with-digit"}, {"username": "+254712345678"}, {"role": "admin"},
])
async def test_malformed_registrations_are_422(client, fields) -> None:
    await expect(await client.post(REGISTER, json=body(**fields)), 422)


@pytest.mark.parametrize(("content", "content_type"), [
    (b'{"phone_number": "0712345678", "password": "password-1", "full_name": "\\ud800"}',
     "application/json"),
    (b'{"phone_number": ', "application/json"),
    (b"phone_number=0712345678&password=password-1&full_name=A",
     "application/x-www-form-urlencoded"),
    (b"", "application/json"),
    (b"[]", "application/json"),
])
async def test_bodies_that_are_not_the_json_object_asked_for_are_422(
        client, content, content_type) -> None:
    response = await client.post(REGISTER, content=content, headers={"content-type": content_type})
    await expect(response, 422)


async def test_duplicates_are_409(client, api) -> None:
    assert (await client.post(REGISTER, json=body())).status_code == 201
    problem = await expect(await client.post(REGISTER, json=body(phone_number="+254 712 345 678")),
                           409)
    assert "phone number" in problem["detail"]
    await api.create_staff("receptionist", username="Rec.One")
    response = await client.post("/api/auth/users", headers=await api.admin(), json={
        "username": "rec.ONE", "password": "password-1", "role": "receptionist",
        "full_name": "Copy"})
    assert "username" in (await expect(response, 409))["detail"]


async def test_the_token_endpoint_wants_its_form(client) -> None:
    await expect(await client.post("/api/auth/token",
                                   json={"username": "admin", "password": "admin-password-1"}),
                 422)
    await expect(await client.post("/api/auth/token", data={"username": "admin"}), 422)
    await expect(await client.post("/api/auth/token", data={
        "username": "admin", "password": "admin-password-1", "grant_type": "client_credentials"}),
        422)
    await expect(await client.post("/api/auth/token", data={
        "username": "a\x00dmin", "password": "admin-password-1"}), 422)
    broken = await client.post("/api/auth/token", content=b"--xx\r\nbroken",
                               headers={"content-type": "multipart/form-data; boundary=xx"})
    assert broken.status_code in (400, 422) and broken.headers["content-type"] == PROBLEM


async def test_unknown_user_bad_password_deactivated_and_unactivated_look_the_same(
        client, api) -> None:
    user = await api.register_patient(password="the-password")
    walk_in = await client.post("/api/auth/patients", headers=await api.admin(),
                                json={"phone_number": api.new_phone(), "full_name": "W"})
    inactive = await api.create_staff("doctor")
    await client.patch(f"/api/auth/users/{inactive['id']}", headers=await api.admin(),
                       json={"active": False})
    attempts = [("no.such.user", "the-password"), (user["username"], "wrong-password"),
                (inactive["username"], "staff-password"),
                (walk_in.json()["username"], "any-password")]
    answers = []
    for username, password in attempts:
        response = await api.sign_in(username, password)
        answers.append((response.status_code, response.json()))
    assert answers[0][0] == 401 and answers[0][1]["error"] == "invalid_grant"
    assert all(answer == answers[0] for answer in answers)


@pytest.mark.parametrize("password", ["p" * 72 + "a", "x" * 1000, "nul\x00in-it", "🏥🩺💊🔐" * 2,
                                      "  spaces at both ends  "])
async def test_any_password_of_8_to_1024_characters_works_exactly(client, api, password) -> None:
    user = await api.register_patient(password=password)
    assert (await api.sign_in(user["username"], password)).status_code == 200
    near = "p" * 72 + "b" if password.startswith("p" * 72) else password + "!"
    assert (await api.sign_in(user["username"], near)).status_code == 401


async def test_profile_and_admin_updates_refuse_bad_values(client, api) -> None:
    _, pair = await api.user_with_role("patient")
    other = await api.register_patient()
    me = api.bearer(pair["access_token"])
    await expect(await client.patch("/api/auth/me", headers=me, json={"full_name": None}), 422)
    await expect(await client.patch("/api/auth/me", headers=me, json={"role": "admin"}), 422)
    await expect(await client.patch("/api/auth/me", headers=me,
                                    json={"phone_number": other["phone_number"]}), 409)
    await expect(await client.patch("/api/auth/me", headers=me, json={"phone_number": None}), 422)
    admin = await api.admin()
    doctor = await api.create_staff("doctor")
    await expect(await client.patch(f"/api/auth/users/{doctor['id']}", headers=admin,
                                    json={"room": None}), 422)
    await expect(await client.patch("/api/auth/users/not-a-uuid", headers=admin,
                                    json={"room": "1"}), 422)
    await expect(await client.patch("/api/auth/users/00000000-0000-0000-0000-000000000000",
                                    headers=admin, json={"room": "1"}), 404)
    for query in ("limit=0", "limit=1000", "offset=-1", "role=wizard", "active=maybe", "q=%00"):
        await expect(await client.get(f"/api/auth/users?{query}", headers=admin), 422)


async def test_the_last_admin_is_kept(client, api) -> None:
    admin = await api.admin()
    me = (await client.get("/api/auth/me", headers=admin)).json()
    await expect(await client.patch(f"/api/auth/users/{me['id']}", headers=admin,
                                    json={"active": False}), 409)


async def test_list_search_treats_wildcards_as_text(client, api) -> None:
    admin = await api.admin()
    await api.create_staff("receptionist", full_name="Percent 100% Sure")
    await api.create_staff("receptionist", full_name="Plain Name")
    found = await client.get("/api/auth/users", headers=admin, params={"q": "0% s"})
    assert [u["full_name"] for u in found.json()["items"]] == ["Percent 100% Sure"]
    everything = await client.get("/api/auth/users", headers=admin, params={"q": "%"})
    assert everything.json()["total"] == 1
    page = (await client.get("/api/auth/users?role=receptionist&limit=1&offset=1",
                             headers=admin)).json()
    assert (page["total"], len(page["items"]), page["limit"], page["offset"]) == (2, 1, 1, 1)
