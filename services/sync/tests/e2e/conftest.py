"""The real app on the real database over HTTP (httpx ASGI transport), with tokens from the
platform's TokenFactory; the owners behind it are a scripted HTTP server (httpx
MockTransport) that keeps what it was sent."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from types import SimpleNamespace

import httpx
import pytest

from hms_sync.bootstrap import owners
from hms_sync.entrypoints.api.app import create_app


def scripted_owner(sent: list[httpx.Request]) -> httpx.MockTransport:
    """Answers like the owners: 201 with the body for a create, 200 otherwise; a ticket
    served twice is a 409 problem."""

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        if request.url.path.endswith("/serve") and any(
                r.url.path == request.url.path for r in sent[:-1]):
            return httpx.Response(409, json={"type": "about:blank", "title": "Conflict",
                                             "status": 409, "detail": "Served already."})
        body = json.loads(request.content) if request.content else {}
        return httpx.Response(201 if request.method == "POST" else 200, json=body)

    return httpx.MockTransport(answer)


@pytest.fixture
async def api(db, settings, clock, tokens, verifier) -> AsyncIterator[SimpleNamespace]:
    sent: list[httpx.Request] = []
    app = create_app(settings, engine=db, token_verifier=verifier, clock=clock,
                     owners=owners(settings, scripted_owner(sent)))
    ids = {role: uuid.uuid4() for role in ("admin", "receptionist", "doctor", "patient")}
    tokens_ = {role: tokens.issue(ids[role], role=role) for role in ids}
    headers = {role: {"Authorization": f"Bearer {tokens_[role]}"} for role in ids}
    headers["anonymous"] = {}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield SimpleNamespace(client=client, headers=headers, ids=ids, app=app, sent=sent)
