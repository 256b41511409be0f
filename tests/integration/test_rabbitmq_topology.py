"""RabbitMQ's topology declared up front from the services' own consumers and handlers: the
committed definitions file is current; declared on a real broker before any consumer starts,
every consumed event is routable at once; and a consumer starting afterwards declares the same
queues with the same arguments (RabbitMQ would refuse a mismatch)."""

from __future__ import annotations

import json
from pathlib import Path

import aio_pika
import pytest

from hms_contracts.envelope import Envelope
from hms_contracts.registry import event_names
from hms_embedded.topology import DEFAULT_OUTPUT, consumers, render
from hms_platform.messaging.rabbit import RabbitBus, declare_definitions
from hms_platform.testing.plugin import track_bus

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration


def test_the_committed_definitions_are_current() -> None:
    committed = json.loads((ROOT / DEFAULT_OUTPUT).read_text())
    assert committed == render(), (
        "deploy/rabbitmq/definitions.json is stale: run "
        ".tools/bin/uv run --frozen python -m hms_embedded.topology write")


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
