"""auth's relay process (entrypoints/relay.py: AuthSettings + auth's outbox + serve_relay)
publishes to RabbitMQ what the handlers committed."""

from __future__ import annotations

import asyncio
import uuid

import sqlalchemy as sa

from hms_auth.adapters.orm import OUTBOX
from hms_auth.service_layer import commands as c
from hms_contracts.envelope import Envelope
from hms_platform.messaging.bus import RetryPolicy
from hms_platform.messaging.rabbit import RabbitBus
from hms_platform.runtime import serve_relay
from hms_platform.testing.plugin import track_bus
from hms_platform.testing.polling import eventually


async def test_the_relay_publishes_committed_auth_events_to_rabbitmq(
        db_bus, auth_engine, make_settings, amqp_url, amqp_prefix) -> None:
    prefix = f"{amqp_prefix}auth{uuid.uuid4().hex[:6]}."
    consumer = track_bus(RabbitBus(amqp_url, prefix=prefix,
                                   retry=RetryPolicy(delays_ms=(50,), delivery_limit=3)))
    await consumer.connect()
    received: list[Envelope] = []

    async def collect(envelope: Envelope) -> None:
        received.append(envelope)

    await consumer.subscribe("reporting.events", ["auth.#"], collect)
    user = await db_bus.handle(c.RegisterPatient("0712345678", "password-1", "Amina"))
    await db_bus.handle(c.SignIn("0712345678", "password-1", "10.0.0.1"))

    stop = asyncio.Event()
    relay = asyncio.create_task(serve_relay(
        make_settings(amqp_url=amqp_url, amqp_prefix=prefix), OUTBOX, stop))
    try:
        await eventually(lambda: len(received) >= 2, timeout=15)
    finally:
        stop.set()
        await relay
        await consumer.close()
    assert sorted(e.name for e in received) == ["auth.login_succeeded.v1",
                                                "auth.user_registered.v1"]
    assert {e.payload["user_id"] for e in received} == {str(user.id)}
    async with auth_engine.connect() as conn:
        assert await conn.scalar(sa.text(
            "SELECT count(*) FROM auth.outbox WHERE published_at IS NULL")) == 0
