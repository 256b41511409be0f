"""The desk finds a patient by name or phone: patients only, never a staff account, and only for
receptionists and admins."""

from __future__ import annotations

import uuid

import pytest


async def test_the_desk_finds_patients_by_name_or_phone_and_never_staff(api) -> None:
    marker = uuid.uuid4().hex[:8]
    patient = await api.register_patient(full_name=f"Amina {marker}")
    await api.create_staff("receptionist", full_name=f"Amina {marker} Staff")
    await api.create_staff("doctor", full_name=f"Dr Amina {marker}")
    _, desk = await api.user_with_role("receptionist")
    headers = api.bearer(desk["access_token"])

    by_name = await api.client.get("/api/auth/patients", params={"q": marker}, headers=headers)
    assert by_name.status_code == 200, by_name.text
    page = by_name.json()
    assert [u["id"] for u in page["items"]] == [patient["id"]] and page["total"] == 1
    assert {u["role"] for u in page["items"]} == {"patient"}

    by_phone = await api.client.get("/api/auth/patients", params={"q": patient["phone_number"]},
                                    headers=headers)
    assert [u["id"] for u in by_phone.json()["items"]] == [patient["id"]]

    # Without a query it still lists patients only (admin and desk accounts exist here too).
    everyone = await api.client.get("/api/auth/patients", params={"limit": 100}, headers=headers)
    assert everyone.json()["items"] and {u["role"] for u in everyone.json()["items"]} == {"patient"}


@pytest.mark.parametrize("role", ["patient", "doctor"])
async def test_patients_and_doctors_may_not_search_patients(api, role: str) -> None:
    _, pair = await api.user_with_role(role)
    response = await api.client.get("/api/auth/patients", params={"q": "a"},
                                    headers=api.bearer(pair["access_token"]))
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_nul_byte_in_the_query_is_a_422(api) -> None:
    response = await api.client.get("/api/auth/patients", params={"q": "a\x00"},
                                    headers=await api.admin())
    assert response.status_code == 422
