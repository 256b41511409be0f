"""Local provider servers (tests/providers.py) as fixtures, and replicas of the consumer and
the sender on connections of their own, as other processes would have."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from joserfc.jwk import RSAKey
from sqlalchemy.ext.asyncio import AsyncEngine

from hms_notifications.entrypoints.consumer import CONSUMER
from hms_platform.db import make_engine
from hms_platform.messaging.inbox import InboxConsumer
from hms_platform.testing.modules import load_beside

PROVIDERS = load_beside(__file__, "../providers.py", "hms_notifications_test_providers")
PUSH = load_beside(__file__, "../push_service.py", "hms_notifications_test_push_service")
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
async def push_service() -> AsyncIterator[Any]:
    """A local Web Push service (tests/push_service.py): VAPID checked, payloads decrypted."""
    server = PUSH.PushService()
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


@pytest.fixture
async def own_engine(world: Any) -> AsyncIterator[Callable[..., AsyncEngine]]:
    """``own_engine(pool_size=4)``: an engine on the test's database with connections of its
    own, like another process's; disposed after the test."""
    engines: list[AsyncEngine] = []

    def make(pool_size: int = 4) -> AsyncEngine:
        engines.append(make_engine(world.settings.database_url.get_secret_value(),
                                   pool_size=pool_size))
        return engines[-1]

    yield make
    for engine in engines:
        await engine.dispose()


@pytest.fixture
def replicas(world: Any, own_engine: Callable[..., AsyncEngine]
             ) -> Callable[..., list[InboxConsumer]]:
    """``replicas(n=3)``: ``n`` consumers, each with its own engine, like processes."""
    return lambda n=3: [InboxConsumer.for_bus(CONSUMER, world.make_bus(engine=own_engine()))
                        for _ in range(n)]
