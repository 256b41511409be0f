"""Every route with every role (security): anonymous, patient A (the owner),
patient B, doctor D (A's doctor), doctor E, receptionist, admin. Each cell acts on a fresh
appointment, so one caller's success never changes what the next one meets."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from hms_appointments.service_layer import commands as c
from hms_platform.testing.matrix import CALLERS, answers, app_routes, expected

SLOTS = ("09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "12:00")
SCHEDULE = {"slot_minutes": 20, "weekly": [{"weekday": 0, "start": "08:00", "end": "12:00"}],
            "time_off": []}
MATRIX: dict[str, tuple[int, ...]] = {
    #                               anon patA  patB  docD  docE  desk  admin
    "GET /doctors":                 (401, 200, 200, 200, 200, 200, 200),
    "GET /doctors/D/schedule":      (401, 403, 403, 200, 403, 200, 200),
    "PUT /doctors/D/schedule":      (401, 403, 403, 200, 403, 403, 200),
    "GET /doctors/D/slots":         (401, 200, 200, 200, 200, 200, 200),
    "POST / for A":                 (401, 201, 403, 403, 403, 201, 201),
    "GET /":                        (401, 200, 200, 200, 200, 200, 200),
    "GET /?patient_id=A":           (401, 200, 403, 200, 200, 200, 200),
    "GET /?doctor_id=D":            (401, 200, 200, 200, 403, 200, 200),
    "GET /{id}":                    (401, 200, 404, 200, 404, 200, 200),
    "POST /{id}/cancel":            (401, 200, 404, 403, 403, 200, 200),
    "POST /{id}/reschedule":        (401, 200, 404, 403, 403, 200, 200),
    "POST /{id}/check-in":          (401, 403, 403, 403, 403, 200, 200),
    "POST /{id}/complete":          (401, 403, 403, 200, 404, 403, 403),
    "POST /{id}/no-show":           (401, 403, 403, 403, 403, 200, 200),
    "GET /penalties":               (401, 200, 200, 403, 403, 200, 200),
    "GET /penalties?patient_id=A":  (401, 200, 403, 403, 403, 200, 200),
    "POST /penalties/{p}/waive":    (401, 403, 403, 403, 403, 403, 200),
}


async def run_row(api, route: str) -> dict[str, int]:
    ids, at = api.ids, api.world.at
    per_caller: dict[str, Any] = {}
    # Patient A holds one appointment per caller, all on Monday: one doctor each (one visit per
    # doctor a day), D's for doctor D so that D acts on its own; staff book past A's cap of
    # active bookings with a reason, as the desk would.
    doctors = {who: ids["doctor"] if who == "doctor" else None for who in CALLERS}
    if route == "POST / for A" or "{id}" in route or "{p}" in route:
        for who in CALLERS:
            doctors[who] = doctors[who] or await api.world.doctor()
    if "{id}" in route or "{p}" in route:
        for who, hhmm in zip(CALLERS, SLOTS, strict=True):
            per_caller[who] = (await api.book(hhmm, doctor_id=str(doctors[who]),
                                              override_reason="role matrix"))["id"]
    if route.endswith("complete"):
        for appt in per_caller.values():
            assert (await api.call("admin", "POST", f"/{appt}/check-in")).status_code == 200
    if route.endswith("no-show") or "{p}" in route:
        api.clock.set(at("13:00"))
    if "{p}" in route:
        await api.app.state.bus.handle(c.MarkNoShows())
        page = (await api.call("admin", "GET", "/penalties?limit=100")).json()
        by_appt = {p["appointment_id"]: p["id"] for p in page["items"]}
        per_caller = {who: by_appt[appt] for who, appt in per_caller.items()}

    async def ask(i: int, who: str) -> Any:
        target = per_caller.get(who)
        method, path = route.split(" ")[:2]
        path = (path.rstrip("/").replace("/?", "?").replace("{id}", str(target))
                .replace("{p}", str(target)).replace("/D/", f"/{ids['doctor']}/")
                .replace("=A", f"={ids['patient']}").replace("=D", f"={ids['doctor']}"))
        body: dict[str, Any] | None = None
        query = {"date": "2026-03-02"} if path.endswith("slots") else None
        if route == "POST / for A":
            body = {"doctor_id": str(doctors[who]), "start": at(SLOTS[i]).isoformat()}
            if who != "patient":
                body["patient_id"] = str(ids["patient"])
        elif route.startswith("PUT"):
            body = SCHEDULE
        elif path.endswith("reschedule"):
            body = {"start": (at("13:30") + timedelta(minutes=30 * i)).isoformat()}
        elif path.endswith("complete"):
            body = {"diagnosis": "otitis", "treatment": "drops"}
        elif path.endswith("waive"):
            body = {"reason": "transport strike"}
        return await api.call(who, method, path, json=body, params=query)

    return await answers(ask)


@pytest.mark.parametrize("route", list(MATRIX))
async def test_route_by_role(api, route: str) -> None:
    assert await run_row(api, route) == expected(MATRIX, route)


def test_the_matrix_covers_every_route_of_the_app(api) -> None:
    covered = {(row.split(" ")[0], "/api/appointments" + row.split(" ")[1].split("?")[0]
                .rstrip("/").replace("/D/", "/{doctor_id}/").replace("{id}", "{appointment_id}")
                .replace("{p}", "{penalty_id}")) for row in MATRIX}
    assert app_routes(api.app) == covered
