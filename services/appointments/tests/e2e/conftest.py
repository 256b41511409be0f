"""The real app on the real database over HTTP (httpx ASGI transport), with tokens from the
platform's TokenFactory and a cast: patient A (the owner), patient B, doctor D (A's doctor),
doctor E, a receptionist and an admin."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from hms_appointments.entrypoints.api.app import create_app

ROLE = {"patient": "patient", "other_patient": "patient", "doctor": "doctor",
        "other_doctor": "doctor", "receptionist": "receptionist", "admin": "admin"}


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
    headers: dict[str, dict[str, str]] = {
        who: {"Authorization": f"Bearer {tokens.issue(ids[who], role=ROLE[who])}"}
        for who in ids}
    headers["anonymous"] = {}
    transport = httpx.ASGITransport(app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hms") as client:

        async def call(who: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
            url = "/api/appointments" + path
            return await client.request(method, url, headers=headers[who], **kwargs)

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
