"""The real app on the real database over HTTP (httpx ASGI transport), with tokens from the
platform's TokenFactory: an admin and one of each other role."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from types import SimpleNamespace

import pytest

from hms_platform.testing.http import calling
from hms_reporting.entrypoints.api.app import create_app


@pytest.fixture
async def api(db, settings, clock, tokens, verifier) -> AsyncIterator[SimpleNamespace]:
    app = create_app(settings, engine=db, token_verifier=verifier, clock=clock)
    ids = {role: uuid.uuid4() for role in ("admin", "receptionist", "doctor", "patient")}
    headers = tokens.headers(ids)
    async with calling(app, "", headers, base_url="http://test") as (client, _):
        yield SimpleNamespace(client=client, headers=headers, ids=ids, app=app)
