"""The faults, one function each: what breaks, for how long, and how it comes back. Each takes
the suite's world (servers, system, provider) and returns once the fault is over."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import asyncpg

from hms_contracts.envelope import Envelope
from hms_platform.messaging.rabbit import RabbitBus
from hms_system.manifest import SYSTEM

Fault = Callable[[Any], Awaitable[None]]
BROKER_DOWN = 10.0  # seconds RabbitMQ stays stopped


async def rabbitmq_stopped(world: Any) -> None:
    """Every RabbitMQ node stopped, 10 s without a broker, then started again."""
    await asyncio.gather(*(node.stop() for node in world.rabbit.nodes))
    await asyncio.sleep(BROKER_DOWN)
    await asyncio.gather(*(node.start() for node in world.rabbit.nodes))


async def cluster_node_killed(world: Any) -> None:
    """The cluster's first node (the one every service connected to first) SIGKILLed, back
    after 5 s; the quorum queues keep a majority on the other two meanwhile."""
    node = world.rabbit.nodes[0]
    await node.kill()
    before = await _published(world)
    await asyncio.sleep(5)
    # events crossed while the node was away: the services went on through the others
    world.notes["published_while_node_down"] = await _published(world) - before
    await node.start()


async def _published(world: Any) -> int:
    conn = await asyncpg.connect(world.system.admin_url)
    try:
        return int(await conn.fetchval(
            "SELECT count(*) FROM appointments.outbox WHERE published_at IS NOT NULL"))
    finally:
        await conn.close()


@contextlib.asynccontextmanager
async def held_at_provider(world: Any, *, after_taking: bool = False) -> AsyncIterator[None]:
    """The provider holds the sender's requests (1 s) until the block ends; the block starts
    once one is held. ``after_taking``: the messages are taken first, only the answers wait."""
    world.twilio.hold, world.twilio.hold_after_taking = 1.0, after_taking
    try:
        async with asyncio.timeout(30):
            await world.twilio.busy.wait()
        yield
    finally:
        world.twilio.hold, world.twilio.hold_after_taking = 0.0, False


async def sender_killed(world: Any) -> None:
    """notifications' sender (the process that calls the provider) SIGKILLed while requests
    of its are held at the provider, before the provider took them."""
    async with held_at_provider(world):
        await asyncio.sleep(0.2)
        await world.system.procs["notifications-scheduler"].kill(signal.SIGKILL)


async def sender_killed_after_taken(world: Any) -> None:
    """notifications' sender SIGKILLed after the provider took its messages and before it
    heard so: the sender after it finds them in Twilio's Messages list instead of sending them
    again (services/notifications/README.md)."""
    async with held_at_provider(world, after_taking=True):
        await asyncio.sleep(0.2)
        await world.system.procs["notifications-scheduler"].kill(signal.SIGKILL)


async def relay_killed(world: Any) -> None:
    """appointments' relay SIGKILLed while its outbox has rows to publish."""
    conn = await asyncpg.connect(world.system.admin_url)
    try:
        async with asyncio.timeout(30):
            while not await conn.fetchval(
                    "SELECT count(*) FROM appointments.outbox WHERE published_at IS NULL"):
                await asyncio.sleep(0.01)
    finally:
        await conn.close()
    await world.system.procs["appointments-relay"].kill(signal.SIGKILL)


async def postgres_restarted(world: Any) -> None:
    """Postgres stopped (fast: every session ended) while the sender has requests held at the
    provider, so that their outcomes come back to no database; started again once they did."""
    async with held_at_provider(world):
        await world.postgres.stop()
    await asyncio.sleep(1.5)
    await world.postgres.start()


async def every_event_twice(world: Any) -> None:
    """Every event published so far published again (a relay that forgot it had published),
    and every connection cut at the broker (what was delivered and not yet acked comes again)."""
    conn = await asyncpg.connect(world.system.admin_url)
    try:
        bodies = [row["body"] for service in SYSTEM.services for row in await conn.fetch(
            f'SELECT body::text AS body FROM "{service.name}".outbox '
            "WHERE published_at IS NOT NULL ORDER BY id")]
    finally:
        await conn.close()
    bus = RabbitBus(world.system.amqp_url)
    await bus.connect()
    try:
        for body in bodies:
            await bus.publish(Envelope.model_validate_json(body))
    finally:
        await bus.close()
    world.duplicated += len(bodies)
    for node in world.rabbit.nodes:
        await node.ctl("close_all_connections", "faults: cut before the ack")


async def replica_killed(world: Any) -> None:
    """One appointments API SIGKILLed behind the gateway while its twin keeps serving."""
    await world.system.procs["appointments"].kill(signal.SIGKILL)


SHORT: list[tuple[str, Fault]] = [
    ("rabbitmq stopped 10 s", rabbitmq_stopped),
    ("sender SIGKILLed mid-send", sender_killed),
]
FULL: list[tuple[str, Fault]] = [
    ("rabbitmq stopped 10 s", rabbitmq_stopped),
    ("cluster node SIGKILLed", cluster_node_killed),
    ("sender SIGKILLed mid-send", sender_killed),
    ("sender SIGKILLed after the provider had taken it", sender_killed_after_taken),
    ("relay SIGKILLed mid-publish", relay_killed),
    ("postgres restarted", postgres_restarted),
    ("every event twice", every_event_twice),
    ("api replica SIGKILLed", replica_killed),
]
# Faults known to fail, run only by name (HMS_FAULTS=<word>): none now.
KNOWN: list[tuple[str, Fault]] = []
