"""RabbitMQ's topology declared up front from the system manifest: each service's consumer
binds exactly the events the manifest says it consumes; declared on a real broker before any
consumer starts, every consumed event is routable at once; and a consumer starting afterwards
declares the same queues with the same arguments (RabbitMQ would refuse a mismatch). That the
committed definitions file is current is the golden test's (libs/system)."""

from __future__ import annotations

import importlib
from typing import get_type_hints

import aio_pika
import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from hms_contracts.envelope import Envelope
from hms_contracts.registry import event_names
from hms_platform.messaging.rabbit import RabbitBus, declare_definitions
from hms_platform.testing.plugin import track_bus
from hms_system.manifest import SYSTEM
from hms_system.model import Service
from hms_system.topology import consumers, render

pytestmark = pytest.mark.integration


def bound_by_its_consumer(service: Service) -> list[str]:
    """What the service's consumer process binds its queue to: the routing keys of the
    InboxConsumer its ``build_consumer(settings, engine)`` makes, built here on the test
    environment's settings and an engine that never connects."""
    module = importlib.import_module(f"{service.package}.entrypoints.consumer")
    build = module.build_consumer
    settings_type = get_type_hints(build)["settings"]
    engine = create_async_engine("postgresql+asyncpg://topology@127.0.0.1:1/none")
    try:
        return sorted(build(settings_type(environment="test"), engine).routing_keys)
    finally:
        engine.sync_engine.dispose()


@pytest.mark.parametrize("service", SYSTEM.services, ids=SYSTEM.names)
def test_each_consumer_binds_what_the_manifest_says_it_consumes(service: Service) -> None:
    if service.consumes is None:
        assert "consumer" not in service.kinds, f"{service.name}: a consumer, but no queue"
        return
    module = importlib.import_module(f"{service.package}.entrypoints.consumer")
    assert service.consumes.queue == module.QUEUE, service.name
    assert bound_by_its_consumer(service) == sorted(service.consumes.events), (
        f"{service.name}: its consumer handles other events than the manifest's consumes "
        "lists (libs/system/src/hms_system/manifest.py): update the manifest, then make generate")


def test_every_consuming_service_has_its_queue_bound_to_what_it_handles() -> None:
    defs = render()
    bound: dict[str, set[str]] = {}
    for binding in defs["bindings"]:
        if binding["source"] == "hms.events":
            bound.setdefault(binding["destination"], set()).add(binding["routing_key"])
    assert {"appointments.events", "queue.events", "notifications.events"} <= set(bound)
    assert "auth.user_registered.v1" in bound["appointments.events"]
    assert "appointments.patient_checked_in.v1" in bound["queue.events"]
    assert "queue.patient_called.v1" in bound["notifications.events"]
    known = set(event_names())
    assert set().union(*bound.values()) <= known  # only real events, no typos
    assert bound["reporting.events"] == known  # reporting keeps every event


async def test_declared_up_front_every_consumed_event_is_routable_before_any_consumer(
        amqp_url: str, amqp_prefix: str) -> None:
    prefix = f"{amqp_prefix}topo."
    await declare_definitions(amqp_url, render(prefix))
    # What the session cleans up afterwards: every queue and exchange of this prefix.
    cleanup = track_bus(RabbitBus(amqp_url, prefix=prefix))
    cleanup.declared_queues.extend(q.name for c in consumers(prefix) for q in c.queues)

    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
        exchange = await channel.get_exchange(f"{prefix}hms.events")
        for key in sorted({b["routing_key"] for b in render()["bindings"]
                           if b["source"] == "hms.events"}):
            # mandatory: the broker returns (and aio-pika raises) what no queue takes
            await exchange.publish(aio_pika.Message(b"{}"), key, mandatory=True)
        with pytest.raises(aio_pika.exceptions.DeliveryError):
            await exchange.publish(aio_pika.Message(b"{}"), "nobody.consumes_this.v1",
                                   mandatory=True)
        depth = await channel.declare_queue(f"{prefix}queue.events", passive=True)
        assert depth.declaration_result.message_count >= 1

    # A consumer that starts now declares the same queues: the same arguments, or the broker
    # would close the channel with PRECONDITION_FAILED.
    bus = track_bus(RabbitBus(amqp_url, prefix=prefix))
    try:
        seen: list[Envelope] = []

        async def handler(envelope: Envelope) -> None:
            seen.append(envelope)

        [queue] = [c for c in consumers(prefix) if c.main.name == f"{prefix}queue.events"]
        await bus.subscribe("queue.events", [k for _, k in queue.main.bindings], handler)
    finally:
        await bus.close()
