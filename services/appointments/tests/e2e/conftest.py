"""The real app on the real database over HTTP (httpx ASGI transport), with tokens from the
platform's TokenFactory and a cast: patient A (the owner), patient B, doctor D (A's doctor),
doctor E, a receptionist and an admin."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import pytest

from hms_appointments.entrypoints.api.app import create_app
from hms_platform.testing.http import calling

ROLE = {"other_patient": "patient", "other_doctor": "doctor"}  # the others' role is their name


@pytest.fixture
async def api(db, settings, clock, world, tokens, verifier) -> AsyncIterator[SimpleNamespace]:
    app = create_app(settings, engine=db, token_verifier=verifier, clock=clock)
    ids = {
        "patient": await world.register("patient", "Alice"),
        "other_patient": await world.register("patient", "Bob"),
        "doctor": await world.doctor(name="Dr Daudi"),
        "other_doctor": await world.doctor(name="Dr Esther"),
        "receptionist": uuid.uuid4(),
        "admin": uuid.uuid4(),
    }
    headers = tokens.headers(ids, ROLE)
    async with calling(app, "/api/appointments", headers) as (client, call):

        async def book(hhmm: str, who: str = "admin", patient: str = "patient",
                       **body: Any) -> dict[str, Any]:
            """An appointment with doctor D at ``hhmm`` on Monday (clinic time)."""
            payload = {"doctor_id": str(ids["doctor"]), "start": world.at(hhmm).isoformat(),
                       **body}
            if who != patient:
                payload["patient_id"] = str(ids[patient])
            response = await call(who, "POST", "", json=payload)
            assert response.status_code == 201, response.text
            return dict(response.json())

        yield SimpleNamespace(app=app, client=client, call=call, book=book, ids=ids,
                              headers=headers, world=world, clock=clock, tokens=tokens)
