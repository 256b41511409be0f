"""Local provider servers (tests/providers.py) as fixtures."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from joserfc.jwk import RSAKey

from hms_platform.testing.modules import load_beside

PROVIDERS = load_beside(__file__, "../providers.py", "hms_notifications_test_providers")
SID, TOKEN = "AC" + "0" * 32, "twilio-auth-token"


@pytest.fixture
async def twilio() -> AsyncIterator[Any]:
    server = PROVIDERS.TwilioServer(SID, TOKEN)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture(scope="session")
def rsa_key() -> RSAKey:
    return RSAKey.generate_key(2048)


@pytest.fixture
async def fcm(rsa_key: RSAKey) -> AsyncIterator[Any]:
    server = PROVIDERS.FcmServer("hms-test", rsa_key, "sender@hms-test.iam.example")
    server.service_account = {
        "type": "service_account", "project_id": "hms-test", "private_key_id": "key-1",
        "private_key": rsa_key.as_pem(private=True).decode(),
        "client_email": "sender@hms-test.iam.example", "token_uri": server.token_url}
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def smtp() -> Iterator[Any]:
    controller, handler = PROVIDERS.smtp_server()
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()
