"""A service app built by the platform, against real Postgres, RabbitMQ and a JWKS over HTTP."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Annotated

import httpx
import pytest
import uvicorn
from fastapi import Depends, FastAPI
from sqlalchemy.engine import make_url

from hms_platform.auth import HttpJwksSource, JwksCache, Principal, TokenVerifier, require_role
from hms_platform.db import make_engine, ping
from hms_platform.testing.polling import until_answered
from hms_platform.testing.ports import uvicorn_serving
from hms_platform.testing.tcp_proxy import TcpProxy
from hms_platform.testing.tokens import TokenFactory
from hms_platform.web import create_service_app


@contextlib.asynccontextmanager
async def serve(app: FastAPI):  # type: ignore[no-untyped-def]
    async with uvicorn_serving(uvicorn.Config(app, log_level="warning")) as port:
        yield f"http://127.0.0.1:{port}"


async def test_readyz_is_503_while_postgres_or_rabbitmq_is_unreachable(
    database_url, make_bus
) -> None:
    url = make_url(database_url)
    pg_proxy = await TcpProxy(url.host or "127.0.0.1", url.port or 5432).start()
    engine = make_engine(url.set(host="127.0.0.1", port=pg_proxy.port)
                         .render_as_string(hide_password=False), pool_size=2)
    bus = await make_bus()
    app = create_service_app("demo", prefix="/api/demo", readiness={
        "database": lambda: ping(engine), "broker": lambda: asyncio.sleep(0, bus.is_connected())})
    transport = httpx.ASGITransport(app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        assert (await client.get("/api/demo/readyz")).status_code == 200
        await pg_proxy.cut()
        response = await client.get("/api/demo/readyz")
        assert response.status_code == 503
        assert response.json()["checks"]["database"].startswith("error")
        assert response.json()["checks"]["broker"] == "ok"
        await pg_proxy.restore()
        async with asyncio.timeout(10):  # serves again once Postgres is back
            await until_answered(client, "/api/demo/readyz", interval=0.1)
        await bus.close()
        response = await client.get("/api/demo/readyz")
        assert response.status_code == 503 and response.json()["checks"]["broker"] != "ok"
        assert (await client.get("/api/demo/healthz")).status_code == 200
    await engine.dispose()
    await pg_proxy.close()


@pytest.fixture
async def protected_app_url():  # type: ignore[no-untyped-def]
    tokens = TokenFactory()
    jwks_app = FastAPI()
    jwks_app.get("/jwks.json")(tokens.jwks)
    async with serve(jwks_app) as jwks_base:
        verifier = TokenVerifier(JwksCache(HttpJwksSource(f"{jwks_base}/jwks.json")),
                                 issuer=tokens.issuer, audience=tokens.audience)
        app = create_service_app("demo", prefix="/api/demo", token_verifier=verifier)

        @app.get("/api/demo/admin-only")
        async def admin_only(
            user: Annotated[Principal, Depends(require_role("admin"))],
        ) -> dict[str, str]:
            return {"user": str(user.user_id)}

        async with serve(app) as base:
            yield base, tokens


async def test_token_attack_matrix_against_a_protected_route_over_http(protected_app_url) -> None:
    base, tokens = protected_app_url
    async with httpx.AsyncClient(base_url=base) as client:
        ok = await client.get("/api/demo/admin-only",
                              headers={"Authorization": f"Bearer {tokens.issue(role='admin')}"})
        assert ok.status_code == 200, ok.text
        patient = await client.get("/api/demo/admin-only", headers={
            "Authorization": f"Bearer {tokens.issue(role='patient')}"})
        assert patient.status_code == 403
        for name, token in tokens.attack_tokens(role="admin").items():
            response = await client.get("/api/demo/admin-only",
                                        headers={"Authorization": f"Bearer {token}".strip()})
            assert response.status_code == 401, name
            assert response.headers["content-type"].startswith("application/problem+json")
