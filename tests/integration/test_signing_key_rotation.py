"""auth's key rotation reaches every service that verifies tokens: its consumer takes
``auth.signing_key_rotated.v1`` (so its queue is bound to it) and records the key ids in the
service's own schema, and that service's API refuses the retired key at once, while its JWKS
cache is still fresh and still holds the key (hms_platform.revocation)."""

from __future__ import annotations

import importlib
from typing import Any, get_type_hints

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from hms_contracts.auth import SigningKeyRotated
from hms_contracts.envelope import Envelope
from hms_platform.auth import CurrentUser, JwksCache, StaticJwksSource, TokenVerifier
from hms_platform.migrations import upgrade
from hms_platform.testing.database import empty
from hms_platform.testing.tokens import TokenFactory

pytestmark = pytest.mark.integration
SERVICES = ["appointments", "queue", "notifications", "reporting"]


@pytest.mark.parametrize("service", SERVICES)
async def test_the_services_consumer_and_api_act_on_a_rotation(
        service: str, engine: AsyncEngine, database_url: str) -> None:
    package = importlib.import_module(f"hms_{service}")
    consumer_module = importlib.import_module(f"hms_{service}.entrypoints.consumer")
    create_app = importlib.import_module(f"hms_{service}.entrypoints.api.app").create_app
    await upgrade(engine, package.MIGRATIONS)
    await empty(engine, service)
    settings_type = get_type_hints(consumer_module.build_consumer)["settings"]
    settings = settings_type(environment="test", database_url=database_url)
    consumer = consumer_module.build_consumer(settings, engine)
    assert SigningKeyRotated.NAME in consumer.routing_keys

    old, current = TokenFactory(kid="k1"), TokenFactory(kid="k2")
    verifier = TokenVerifier(  # a cache fetched before the rotation: fresh for 300 s
        JwksCache(StaticJwksSource({"keys": [current.public_jwk(), old.public_jwk()]})),
        issuer=old.issuer, audience=old.audience)
    app = create_app(settings, engine=engine, token_verifier=verifier)

    @app.get("/probe")
    async def probe(user: CurrentUser) -> dict[str, Any]:
        return {"id": str(user.user_id)}

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app),
                                 base_url="http://svc") as client:
        async def status(token: str) -> int:
            response = await client.get("/probe", headers={"Authorization": f"Bearer {token}"})
            return response.status_code

        assert await status(old.issue()) == 200
        await consumer(Envelope.of(SigningKeyRotated(kid="k3", previous_kid="k2",
                                                     retired_kids=["k1"])))
        app.state.signing_keys._loaded_at = None  # as if its 2 s re-read interval had passed
        assert await status(old.issue()) == 401
        assert await status(current.issue()) == 200
