"""Without a pre-ping per checkout, a connection killed by a Postgres restart fails one request:
with 503 and Retry-After, not a 500, and the next requests get fresh connections."""

from __future__ import annotations

import httpx
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.engine import make_url

from hms_platform.db import make_engine
from hms_platform.testing.tcp_proxy import TcpProxy
from hms_platform.web import create_service_app


async def test_a_restarted_database_costs_one_retryable_503(database_url) -> None:
    url = make_url(database_url)
    proxy = await TcpProxy(url.host or "127.0.0.1", url.port or 5432).start()
    engine = make_engine(url.set(host="127.0.0.1", port=proxy.port)
                         .render_as_string(hide_password=False), pool_size=2)
    app: FastAPI = create_service_app("demo", prefix="/api/demo")

    @app.get("/api/demo/now")
    async def now() -> dict[str, str]:
        async with engine.connect() as conn:
            return {"now": str(await conn.scalar(sa.text("SELECT now()")))}

    transport = httpx.ASGITransport(app, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://demo") as client:
            assert (await client.get("/api/demo/now")).status_code == 200
            await proxy.cut()  # the server goes away: every open connection dies
            await proxy.restore()  # and comes back
            answers = [await client.get("/api/demo/now") for _ in range(4)]
        statuses = [a.status_code for a in answers]
        assert statuses == [503, 200, 200, 200]
        assert answers[0].headers["retry-after"] == "1"
    finally:
        await engine.dispose()
        await proxy.close()
