"""The real app on the real database over HTTP (httpx ASGI transport), with tokens from the
platform's TokenFactory and a cast: patient A (the owner), patient B, doctor D (A's line),
doctor E, a receptionist and an admin; and helpers that set a ticket up through the bus."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Callable
from types import SimpleNamespace
from typing import Any

import pytest

from hms_platform.testing.http import calling
from hms_platform.testing.ports import uvicorn_serving
from hms_platform.web.serving import uvicorn_config
from hms_queue.domain.actor import Actor
from hms_queue.entrypoints.api.app import create_app
from hms_queue.service_layer import commands as c

ROLE = {"other_patient": "patient", "other_doctor": "doctor"}  # the others' role is their name


@contextlib.asynccontextmanager
async def _serving(app: Any) -> AsyncIterator[str]:
    async with uvicorn_serving(uvicorn_config(app, host="127.0.0.1", port=0)) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
def serving() -> Callable[[Any], contextlib.AbstractAsyncContextManager[str]]:
    """``async with serving(app) as base_url``: the app on a real port (uvicorn, in process),
    for clients that need a real server: streams, browsers."""
    return _serving


@pytest.fixture
async def api(db, settings, clock, world, tokens, verifier) -> AsyncIterator[SimpleNamespace]:
    app = create_app(settings, engine=db, token_verifier=verifier, clock=clock)
    ids = {
        "patient": await world.register("patient"),
        "other_patient": await world.register("patient"),
        "doctor": await world.register("doctor", room="12"),
        "other_doctor": await world.register("doctor", room="14"),
        "receptionist": uuid.uuid4(),
        "admin": uuid.uuid4(),
    }
    headers = tokens.headers(ids, ROLE)
    bus = app.state.bus
    doctor = Actor(ids["doctor"], "doctor")

    async def ticket(state: str = "waiting", patient: str = "patient") -> uuid.UUID:
        """A fresh ticket of ``patient`` in doctor D's line, ``waiting`` or ``called``."""
        for old in await bus.handle(c.MyTickets(Actor(ids[patient], "patient"))):
            if old.ticket.status == "called":
                await bus.handle(c.ServeTicket(doctor, old.ticket.id))
            else:
                await bus.handle(c.LeaveTicket(world.desk, old.ticket.id))
        view = await world.walk_in(ids["doctor"], patient=ids[patient])
        if state == "called":
            called = await bus.handle(c.CallNext(doctor, ids["doctor"]))
            assert called.id == view.ticket.id
        return view.ticket.id

    async with calling(app, "/api/queue", headers) as (client, call):
        yield SimpleNamespace(app=app, client=client, call=call, ids=ids, headers=headers,
                              world=world, clock=clock, tokens=tokens, ticket=ticket, bus=bus)
