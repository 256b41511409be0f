"""Every route with every role: anonymous, patient, doctor, receptionist, admin.

Each request is well-formed, so the status says only whether that caller may do it.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from types import SimpleNamespace
from typing import Any

import pytest

ROLES = ("anonymous", "patient", "doctor", "receptionist", "admin")
Build = Callable[[SimpleNamespace], Awaitable[dict[str, Any]]]


async def nothing(env: SimpleNamespace) -> dict[str, Any]:
    return {}


async def new_patient(env: SimpleNamespace) -> dict[str, Any]:
    return {"json": {"phone_number": env.api.new_phone(), "password": "password-1",
                     "full_name": "New Patient"}}


async def walk_in(env: SimpleNamespace) -> dict[str, Any]:
    return {"json": {"phone_number": env.api.new_phone(), "full_name": "Walk In"}}


async def activation(env: SimpleNamespace) -> dict[str, Any]:
    phone = env.api.new_phone()
    created = await env.api.client.post("/api/auth/patients", headers=env.admin,
                                        json={"phone_number": phone, "full_name": "W"})
    return {"json": {"phone_number": phone, "activation_code": created.json()["activation_code"],
                     "password": "password-1"}}


async def sign_in_form(env: SimpleNamespace) -> dict[str, Any]:
    return {"data": {"username": env.patient["username"], "password": "patient-password"}}


async def refresh(env: SimpleNamespace) -> dict[str, Any]:
    pair = await env.api.tokens(env.patient["username"], "patient-password")
    return {"json": {"refresh_token": pair["refresh_token"]}}


async def rename(env: SimpleNamespace) -> dict[str, Any]:
    return {"json": {"full_name": "Renamed Person"}}


async def password_change(env: SimpleNamespace) -> dict[str, Any]:
    current = "patient-password" if env.role == "patient" else "staff-password"
    return {"json": {"current_password": current, "new_password": "a brand new password"}}


async def reset_code(env: SimpleNamespace) -> dict[str, Any]:
    phone = env.api.new_phone()
    created = await env.api.client.post("/api/auth/patients", headers=env.admin,
                                        json={"phone_number": phone, "full_name": "W"})
    reset = await env.api.client.post(
        f"/api/auth/users/{created.json()['id']}/password-reset", headers=env.admin)
    return {"json": {"phone_number": phone, "code": reset.json()["code"],
                     "new_password": "password-1"}}


async def reset_request(env: SimpleNamespace) -> dict[str, Any]:
    return {"json": {"phone_number": env.patient["phone_number"]}}


async def new_staff(env: SimpleNamespace) -> dict[str, Any]:
    return {"json": {"username": f"rec.{uuid.uuid4().hex[:8]}", "password": "password-1",
                     "role": "receptionist", "full_name": "New Receptionist"}}


async def move_room(env: SimpleNamespace) -> dict[str, Any]:
    return {"json": {"room": "7"}}


def allowed(status: int, *roles: str) -> dict[str, int]:
    return {r: (status if r in roles else 401 if r == "anonymous" else 403) for r in ROLES}


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


SIGNED_IN = ("patient", "doctor", "receptionist", "admin")
MATRIX: dict[tuple[str, str], tuple[dict[str, int], Build]] = {
    ("POST", "/api/auth/patients/register"): (everyone(201), new_patient),
    ("POST", "/api/auth/patients"): (allowed(201, "receptionist", "admin"), walk_in),
    ("GET", "/api/auth/patients"): (allowed(200, "receptionist", "admin"), nothing),
    ("POST", "/api/auth/patients/{user_id}/activation-code"): (
        allowed(201, "receptionist", "admin"), nothing),
    ("POST", "/api/auth/patients/activate"): (everyone(204), activation),
    # The target is the walk-in patient: the desk edits patients' profiles only.
    ("PATCH", "/api/auth/patients/{user_id}"): (allowed(200, "receptionist", "admin"), rename),
    ("POST", "/api/auth/token"): (everyone(200), sign_in_form),
    ("POST", "/api/auth/token/refresh"): (everyone(200), refresh),
    ("POST", "/api/auth/logout"): (allowed(204, *SIGNED_IN), nothing),
    ("GET", "/api/auth/me"): (allowed(200, *SIGNED_IN), nothing),
    ("PATCH", "/api/auth/me"): (allowed(200, *SIGNED_IN), rename),
    ("POST", "/api/auth/me/password"): (allowed(204, *SIGNED_IN), password_change),
    # The target is a doctor: staff passwords are reset by an admin only.
    ("POST", "/api/auth/users/{user_id}/password-reset"): (allowed(201, "admin"), nothing),
    ("POST", "/api/auth/password-reset"): (everyone(204), reset_code),
    # Anyone may ask for a code by SMS; the answer never says whether one was sent.
    ("POST", "/api/auth/password-reset/request"): (everyone(202), reset_request),
    ("POST", "/api/auth/users"): (allowed(201, "admin"), new_staff),
    ("GET", "/api/auth/users"): (allowed(200, "admin"), nothing),
    ("PATCH", "/api/auth/users/{user_id}"): (allowed(200, "admin"), move_room),
    ("GET", "/api/auth/.well-known/jwks.json"): (everyone(200), nothing),
    ("GET", "/api/auth/healthz"): (everyone(200), nothing),
    ("GET", "/api/auth/readyz"): (everyone(200), nothing),
    ("GET", "/api/auth/openapi.json"): (everyone(200), nothing),
    ("GET", "/api/auth/docs"): (everyone(200), nothing),
    # No AUTH_METRICS_TOKEN in tests: metrics are not served, to anyone (a token is no role).
    ("GET", "/api/auth/metrics"): (everyone(404), nothing),
}


def test_the_matrix_covers_every_route(app) -> None:
    documented = {(method.upper(), path) for path, operations in app.openapi()["paths"].items()
                  for method in operations}
    undocumented = {("GET", "/api/auth/openapi.json"), ("GET", "/api/auth/docs"),
                    ("GET", "/api/auth/metrics")}
    assert documented | undocumented == set(MATRIX)


@pytest.fixture
async def env(api) -> SimpleNamespace:
    admin = await api.admin()
    patient, patient_pair = await api.user_with_role("patient")
    tokens = {"patient": patient_pair["access_token"]}
    for role in ("doctor", "receptionist", "admin"):
        tokens[role] = (await api.user_with_role(role))[1]["access_token"]
    target = await api.create_staff("doctor", phone_number=api.new_phone())  # codes go by SMS
    walk_in_patient = (await api.client.post("/api/auth/patients", headers=admin, json={
        "phone_number": api.new_phone(), "full_name": "Walk In"})).json()
    return SimpleNamespace(api=api, admin=admin, patient=patient, tokens=tokens,
                           ids={"user_id": target["id"],
                                "walk_in": walk_in_patient["id"]})


@pytest.mark.parametrize(("method", "path"), list(MATRIX), ids=[f"{m} {p}" for m, p in MATRIX])
async def test_each_role_gets_the_expected_status(env, method: str, path: str) -> None:
    expected, build = MATRIX[(method, path)]
    user_id = env.ids["walk_in"] if path.startswith("/api/auth/patients/") else env.ids["user_id"]
    url = path.replace("{user_id}", user_id)
    got = {}
    for role in ROLES:
        headers = {} if role == "anonymous" else env.api.bearer(env.tokens[role])
        env.role = role
        response = await env.api.client.request(method, url, headers=headers, **await build(env))
        got[role] = response.status_code
        if response.status_code >= 400:
            assert response.headers["content-type"] == "application/problem+json"
    assert got == expected
