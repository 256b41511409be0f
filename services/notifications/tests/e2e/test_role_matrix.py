"""Every JSON route with every role (security): anonymous, patient A, patient B, doctor D,
doctor E, receptionist, admin. Preferences and the push key are each caller's own; the whole
log is the admins'. The Twilio webhook (no bearer token: Twilio's signature) is covered in
test_api.py."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import pytest

from hms_notifications.entrypoints.api.app import create_app
from hms_platform.testing.http import calling
from hms_platform.testing.matrix import CALLERS, answers, app_routes, expected

MATRIX: dict[str, tuple[int, ...]] = {
    #                          anon patA  patB  docD  docE  desk  admin
    "GET ":                    (401, 403, 403, 403, 403, 403, 200),
    "GET /mine":               (401, 200, 200, 200, 200, 200, 200),
    "GET /preferences":        (401, 200, 200, 200, 200, 200, 200),
    "PUT /preferences":        (401, 200, 200, 200, 200, 200, 200),
    "GET /push/key":           (401, 200, 200, 200, 200, 200, 200),
}
SKIPPED = {"/api/notifications/webhooks/twilio"}  # test_api.py


@pytest.fixture
async def cast(db, settings, world, tokens, verifier) -> AsyncIterator[SimpleNamespace]:  # type: ignore[no-untyped-def]
    app = create_app(settings, engine=db, token_verifier=verifier)
    roles = {"patient": "patient", "other_patient": "patient", "doctor": "doctor",
             "other_doctor": "doctor", "receptionist": "receptionist", "admin": "admin"}
    ids = {who: await world.person(role) for who, role in roles.items()}
    async with calling(app, "/api/notifications", tokens.headers(ids, roles)) as (_, call):
        yield SimpleNamespace(app=app, call=call, ids=ids)


@pytest.mark.parametrize("route", list(MATRIX))
async def test_route_by_role(cast, route: str) -> None:  # type: ignore[no-untyped-def]
    method, path = route.split(" ")

    async def ask(i: int, who: str) -> Any:
        body = {"channels": ["sms"], "devices": [f"token-{uuid.uuid4()}"]} if method == "PUT" \
            else None
        return await cast.call(who, method, path, json=body)

    assert await answers(ask) == expected(MATRIX, route)
    assert len(CALLERS) == len(MATRIX[route])


def test_the_matrix_covers_every_route_of_the_app(cast) -> None:  # type: ignore[no-untyped-def]
    covered = {(row.split(" ")[0], "/api/notifications" + row.split(" ")[1]) for row in MATRIX}
    assert app_routes(cast.app, SKIPPED) == covered
