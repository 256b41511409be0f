"""The real app on the real database over HTTP (httpx ASGI transport), with tokens from the
platform's TokenFactory: a patient, another patient and an admin."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from types import SimpleNamespace

import pytest
from pydantic import SecretStr

from hms_notifications.entrypoints.api.app import create_app
from hms_platform.testing.http import calling

TWILIO_TOKEN = "twilio-test-auth-token"
CALLBACK_URL = "https://hms.example.org/api/notifications/webhooks/twilio"


@pytest.fixture
def api_settings(settings):  # type: ignore[no-untyped-def]
    return settings.model_copy(update={"twilio_auth_token": SecretStr(TWILIO_TOKEN),
                                       "twilio_status_callback_url": CALLBACK_URL})


@pytest.fixture
async def api(db, api_settings, world, tokens, verifier) -> AsyncIterator[SimpleNamespace]:  # type: ignore[no-untyped-def]
    app = create_app(api_settings, engine=db, token_verifier=verifier)
    ids = {"patient": await world.person(), "other_patient": await world.person(),
           "admin": uuid.uuid4()}
    roles = {"other_patient": "patient"}
    async with calling(app, "/api/notifications", tokens.headers(ids, roles)) as (client, call):
        yield SimpleNamespace(app=app, client=client, call=call, ids=ids, world=world)
