"""Bad input is a 422 (or 404/409 where the rules say so) as problem+json, never a 500."""

from __future__ import annotations

import pytest

D = "{doctor}"
BAD_BODIES = {
    "not json": b"{not json",
    "wrong types": {"doctor_id": 42, "start": True, "urgency": "high"},
    "malformed uuid": {"doctor_id": "not-a-uuid", "start": "2026-03-02T09:00:00+03:00"},
    "naive start": {"doctor_id": D, "start": "2026-03-02T09:00:00"},
    "bad date": {"doctor_id": D, "start": "2026-02-30T09:00:00Z"},
    "year 9999": {"doctor_id": D, "start": "9999-12-31T23:30:00-05:00"},
    "year 1": {"doctor_id": D, "start": "0001-01-01T00:00:00+14:00"},
    "urgency 0": {"doctor_id": D, "start": "2026-03-02T09:00:00Z", "urgency": 0},
    "urgency 6": {"doctor_id": D, "start": "2026-03-02T09:00:00Z", "urgency": 6},
    "huge reason": {"doctor_id": D, "start": "2026-03-02T09:00:00Z", "reason": "x" * 100_000},
    "NUL in reason": {"doctor_id": D, "start": "2026-03-02T09:00:00Z", "reason": "a\x00b"},
    "lone surrogate": {"doctor_id": D, "start": "2026-03-02T09:00:00Z", "reason": "\ud800"},
    "unknown field": {"doctor_id": D, "start": "2026-03-02T09:00:00Z", "admin": True},
    "array body": [1, 2, 3],
    "missing start": {"doctor_id": D},
}
BAD_SCHEDULES = {
    "overlap": [{"weekday": 0, "start": "09:00", "end": "12:00"},
                {"weekday": 0, "start": "11:00", "end": "13:00"}],
    "reversed": [{"weekday": 1, "start": "12:00", "end": "09:00"}],
    "empty range": [{"weekday": 1, "start": "09:00", "end": "09:00"}],
    "weekday 7": [{"weekday": 7, "start": "09:00", "end": "10:00"}],
    "not HH:MM": [{"weekday": 1, "start": "9:00", "end": "10:00"}],
    "24:00": [{"weekday": 1, "start": "09:00", "end": "24:00"}],
    "seconds": [{"weekday": 1, "start": "09:00:00", "end": "10:00"}],
}


@pytest.mark.parametrize("name", list(BAD_BODIES))
async def test_bad_booking_bodies_are_422(api, name: str) -> None:
    body = BAD_BODIES[name]
    if isinstance(body, bytes):
        response = await api.client.post("/api/appointments", content=body, headers={
            **api.headers["admin"], "content-type": "application/json"})
    else:
        import json

        raw = json.dumps(body).replace(D, str(api.ids["doctor"]))
        response = await api.client.post("/api/appointments", content=raw.encode(), headers={
            **api.headers["patient"], "content-type": "application/json"})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 422 and "x" * 100 not in response.text


@pytest.mark.parametrize("name", list(BAD_SCHEDULES))
async def test_bad_schedules_are_422(api, name: str) -> None:
    response = await api.call("admin", "PUT", f"/doctors/{api.ids['doctor']}/schedule",
                              json={"slot_minutes": 30, "weekly": BAD_SCHEDULES[name]})
    assert response.status_code == 422, response.text


@pytest.mark.parametrize(("slot_minutes", "status"), [(4, 422), (5, 200), (240, 200),
                                                      (241, 422), ("30", 200), (1.5, 422)])
async def test_slot_minutes_bounds(api, slot_minutes, status: int) -> None:
    response = await api.call("admin", "PUT", f"/doctors/{api.ids['doctor']}/schedule", json={
        "slot_minutes": slot_minutes, "weekly": [{"weekday": 0, "start": "08:00", "end": "16:00"}]})
    assert response.status_code == status, response.text


async def test_reversed_time_off_is_422(api) -> None:
    response = await api.call("admin", "PUT", f"/doctors/{api.ids['doctor']}/schedule", json={
        "slot_minutes": 30, "weekly": [],
        "time_off": [{"start": "2026-03-03T12:00:00Z", "end": "2026-03-03T09:00:00Z"}]})
    assert response.status_code == 422 and "time_off" in response.json()["detail"]


@pytest.mark.parametrize("path", [
    "/not-a-uuid", "/not-a-uuid/cancel", "/123/check-in", "/doctors/xyz/slots?date=2026-03-02",
    "/doctors/{doctor}/slots?date=2026-13-01", "/doctors/{doctor}/slots?date=9999-01-01",
    "/doctors/{doctor}/slots", "?date=yesterday", "?status=lost", "?limit=0", "?limit=101",
    "?offset=-1", "?offset=99999999999999999999", "?patient_id=1", "/penalties?patient_id=zz",
    "/penalties?limit=1000", "/doctors?limit=-5",
])
async def test_bad_paths_and_queries_are_422(api, path: str) -> None:
    path = path.replace("{doctor}", str(api.ids["doctor"]))
    method = "POST" if path.endswith(("cancel", "check-in")) else "GET"
    response = await api.call("admin", method, path)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"


async def test_unknown_ids_are_404(api) -> None:
    ghost = "00000000-0000-4000-8000-000000000000"
    responses = [
        await api.call("admin", "GET", f"/{ghost}"),
        await api.call("admin", "POST", f"/{ghost}/check-in"),
        await api.call("admin", "POST", f"/penalties/{ghost}/waive", json={"reason": "x"}),
        await api.call("admin", "GET", f"/doctors/{ghost}/slots", params={"date": "2026-03-02"}),
        await api.call("admin", "PUT", f"/doctors/{ghost}/schedule",
                       json={"slot_minutes": 30, "weekly": []}),
    ]
    assert [r.status_code for r in responses] == [404] * 5


async def test_forged_and_expired_tokens_are_401_everywhere(api) -> None:
    routes = [("GET", ""), ("GET", "/doctors"), ("POST", ""), ("GET", "/penalties"),
              ("POST", f"/{api.ids['doctor']}/no-show")]
    for name, token in api.tokens.attack_tokens(role="admin").items():
        for method, path in routes:
            response = await api.client.request(method, "/api/appointments" + path,
                                                headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 401, (name, method, path)
            assert response.headers["www-authenticate"].startswith("Bearer")


async def test_health_and_readiness(api) -> None:
    assert (await api.client.get("/api/appointments/healthz")).json() == {"status": "ok"}
    ready = await api.client.get("/api/appointments/readyz")
    assert ready.status_code == 200 and ready.json()["checks"] == {"database": "ok"}
