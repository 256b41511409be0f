"""A cluster's nodes in one AMQP URL setting (hms_platform.messaging.failover): the bus takes the
first node that answers, and when the one it is on goes away it goes on through the next one
instead of waiting for the lost node. Two TCP proxies to the same broker stand for two nodes."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest

from hms_contracts.envelope import Envelope, EventPayload
from hms_platform.messaging.bus import PublishError
from hms_platform.messaging.failover import broker_urls
from hms_platform.testing.polling import eventually
from hms_platform.testing.tcp_proxy import TcpProxy


class Pinged(EventPayload):
    NAME = "failover.pinged.v1"
    PRODUCER = "failover"
    n: int


def test_one_url_or_several() -> None:
    assert broker_urls("amqp://a/") == ["amqp://a/"]
    assert broker_urls(" amqp://a/ , amqp://b/,") == ["amqp://a/", "amqp://b/"]
    with pytest.raises(ValueError):
        broker_urls(" , ")


async def test_a_lost_node_is_left_for_the_next_one(
        make_bus: Callable[..., Any], amqp_url: str, queue_name: str) -> None:
    parts = urlsplit(amqp_url)
    proxies = [await TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5672).start()
               for _ in range(2)]
    urls = [amqp_url.replace(f"{parts.hostname}:{parts.port}", f"127.0.0.1:{p.port}")
            for p in proxies]
    try:
        await proxies[0].cut()  # the first node is down at start: the second one is taken
        bus = await make_bus(",".join(urls))
        await proxies[0].restore()
        received: list[int] = []

        async def handler(envelope: Envelope) -> None:
            received.append(int(envelope.payload["n"]))

        await bus.subscribe(queue_name, ["failover.#"], handler)
        await bus.publish(Envelope.of(Pinged(n=1), correlation_id=str(uuid.uuid4())))
        await eventually(lambda: received == [1], timeout=10)
        await proxies[1].cut()  # the node it is on goes away, and stays away
        second = Envelope.of(Pinged(n=2), correlation_id=str(uuid.uuid4()))

        async def published() -> bool:  # as the relay does: again until confirmed
            try:
                await bus.publish(second)
            except PublishError:
                return False
            return True

        await eventually(published, timeout=15, interval=0.5)
        await eventually(lambda: received == [1, 2], timeout=15)
    finally:
        for proxy in proxies:
            await proxy.close()
