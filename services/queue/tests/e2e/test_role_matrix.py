"""Every JSON route with every role (security): anonymous, patient A (the owner),
patient B, doctor D (A's line), doctor E, receptionist, admin. Each cell acts on a fresh
ticket, so one caller's success never changes what the next one meets. The streams and the
display page are covered in test_live.py."""

from __future__ import annotations

from typing import Any

import pytest

from hms_platform.testing.matrix import answers, app_routes, expected

MATRIX: dict[str, tuple[int, ...]] = {
    #                               anon patA  patB  docD  docE  desk  admin
    "POST /tickets":                (401, 403, 403, 403, 403, 201, 201),
    "GET /tickets/mine":            (401, 200, 200, 403, 403, 403, 403),
    "GET /tickets/{id}":            (401, 200, 404, 200, 404, 200, 200),
    "GET /doctors/D":               (401, 403, 403, 200, 403, 200, 200),
    "POST /doctors/D/call-next":    (401, 403, 403, 200, 403, 403, 403),
    "POST /tickets/{called}/serve": (401, 403, 403, 200, 404, 403, 403),
    "POST /tickets/{called}/no-show": (401, 403, 403, 200, 404, 200, 403),
    "PATCH /tickets/{id}":          (401, 403, 403, 403, 403, 200, 200),
    "DELETE /tickets/{id}":         (401, 200, 404, 403, 403, 200, 403),
    "POST /displays":               (401, 403, 403, 403, 403, 201, 201),
    "POST /displays (named)":       (401, 403, 403, 403, 403, 403, 201),
    "GET /displays":                (401, 403, 403, 403, 403, 403, 200),
    "DELETE /displays/{display}":   (401, 403, 403, 403, 403, 403, 204),
}
SKIPPED = {"/api/queue/doctors/{doctor_id}/stream", "/api/queue/display",
           "/api/queue/display/stream"}  # test_live.py


async def run_row(api: Any, route: str) -> dict[str, int]:
    ids = api.ids

    async def ask(i: int, who: str) -> Any:
        method, path = route.split(" ")[:2]
        if "{display}" in path:
            made = await api.call("admin", "POST", "/displays", json={
                "name": "Hall", "doctor_ids": [str(ids["doctor"])]})
            path = path.replace("{display}", made.json()["id"])
        elif "{id}" in path:
            path = path.replace("{id}", str(await api.ticket("waiting")))
        elif "{called}" in path:
            path = path.replace("{called}", str(await api.ticket("called")))
        elif path.endswith("call-next"):
            await api.ticket("waiting", patient="other_patient")
            line = (await api.call("admin", "GET", f"/doctors/{ids['doctor']}")).json()
            if line["called"]:
                await api.call("doctor", "POST", f"/tickets/{line['called']['id']}/serve")
        path = path.replace("/D", f"/{ids['doctor']}")
        body: dict[str, Any] | None = None
        if route == "POST /tickets":
            body = {"patient_id": str(await api.world.register("patient")),
                    "doctor_id": str(ids["doctor"]), "urgency": 3}
        elif method == "PATCH":
            body = {"urgency": 2}
        elif route == "POST /displays":
            body = {"doctor_ids": [str(ids["doctor"])], "hours": 2}
        elif route == "POST /displays (named)":
            body = {"name": "Hall", "doctor_ids": [str(ids["doctor"])]}
        return await api.call(who, method, path, json=body)

    return await answers(ask)


@pytest.mark.parametrize("route", list(MATRIX))
async def test_route_by_role(api, route: str) -> None:
    assert await run_row(api, route) == expected(MATRIX, route)


def test_the_matrix_covers_every_route_of_the_app(api) -> None:
    covered = {(row.split(" ")[0], "/api/queue" + row.split(" ")[1]
                .replace("/D", "/{doctor_id}").replace("{id}", "{ticket_id}")
                .replace("{called}", "{ticket_id}").replace("{display}", "{display_id}"))
               for row in MATRIX}
    assert app_routes(api.app, SKIPPED) == covered
