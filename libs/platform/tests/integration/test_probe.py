"""Processes without an HTTP API answer /healthz and /readyz (database and broker) too."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from hms_platform.db import make_engine
from hms_platform.outbox import OutboxTables
from hms_platform.probe import probe_server
from hms_platform.runtime import database_probe, serve_relay
from hms_platform.settings import ServiceSettings
from hms_platform.testing.infra import free_port
from hms_platform.testing.polling import until_answered
from hms_platform.testing.ports import on_free_ports, started_on_free_ports
from hms_platform.testing.tcp_proxy import TcpProxy


async def test_probe_answers_health_and_readiness() -> None:
    state = {"up": True}

    async def broker() -> bool:
        return state["up"]

    async with (on_free_ports(lambda: probe_server("127.0.0.1", free_port(),
                                                   {"broker": broker})) as port,
                httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client):
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        ready = await client.get("/readyz")
        assert ready.status_code == 200 and ready.json()["checks"] == {"broker": "ok"}
        state["up"] = False
        down = await client.get("/readyz")
        assert down.status_code == 503 and down.json()["checks"]["broker"] != "ok"
        assert (await client.get("/metrics")).status_code == 404
    async with probe_server("127.0.0.1", 0, {}) as none:
        assert none is None  # off unless a port is set


async def test_the_relay_process_reports_its_database_and_broker(database_url, amqp_url,
                                                                 amqp_prefix) -> None:
    url = make_url(database_url)
    proxy = await TcpProxy(url.host or "127.0.0.1", url.port or 5432).start()
    try:
        proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(
            hide_password=False)
        schema = f"probe_{uuid.uuid4().hex[:8]}"
        engine = make_engine(database_url, pool_size=1)
        tables = OutboxTables(sa.MetaData(), schema)
        async with engine.begin() as conn:
            await conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
            await conn.run_sync(tables.outbox.metadata.create_all)
        stop = asyncio.Event()

        async def start() -> tuple[asyncio.Task[None], httpx.AsyncClient]:
            settings = ServiceSettings(environment="test", database_url=proxied,
                                       amqp_url=amqp_url, amqp_prefix=amqp_prefix,
                                       health_port=free_port())
            relay = asyncio.create_task(serve_relay(settings, tables, stop))
            client = httpx.AsyncClient(base_url=f"http://127.0.0.1:{settings.health_port}")
            try:  # a relay that failed (on a port taken meanwhile) says why
                async with asyncio.timeout(10):
                    await until_answered(client, "/readyz", interval=0.1, died=lambda: (
                        relay.done() and repr(relay.exception())))
            except BaseException:
                relay.cancel()
                await client.aclose()
                raise
            return relay, client

        relay, client = await started_on_free_ports(start)
        try:
            ready = await client.get("/readyz")
            assert ready.status_code == 200
            assert ready.json()["checks"] == {"database": "ok", "broker": "ok"}
            await proxy.cut()
            down = await client.get("/readyz")
            assert down.status_code == 503 and down.json()["checks"]["database"] != "ok"
        finally:
            await client.aclose()
            stop.set()
            await relay
            async with engine.begin() as conn:
                await conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
            await engine.dispose()
    finally:
        await proxy.close()


async def test_a_scheduler_reports_its_database(database_url) -> None:
    engine = make_engine(database_url, pool_size=1)
    settings = ServiceSettings(environment="test", database_url=database_url)
    try:
        async with (on_free_ports(lambda: database_probe(
                        settings.model_copy(update={"health_port": free_port()}), engine)) as bound,
                    httpx.AsyncClient(base_url=f"http://127.0.0.1:{bound}") as client):
            ready = await client.get("/readyz")
            assert ready.status_code == 200
            assert ready.json()["checks"] == {"database": "ok"}
        async with database_probe(settings.model_copy(update={"health_port": 0}), engine) as off:
            assert off is None
    finally:
        await engine.dispose()
