"""InMemoryBus: the RabbitMQ adapter's delivery semantics in one process; AMQP topic matching."""

import asyncio
from collections import Counter

import pytest

from hms_contracts.envelope import Envelope
from hms_platform.logging import correlation_id
from hms_platform.messaging.bus import PoisonMessage, PublishError, RetryPolicy, topic_matches
from hms_platform.messaging.memory import InMemoryBus

FAST = RetryPolicy(delays_ms=(1, 1, 1))  # 4 attempts, microseconds apart at time_scale 0.001


def event(n: int = 0, corr: str | None = None) -> Envelope:
    return Envelope(name="auth.user_registered.v1", producer="test", payload={"n": n},
                    correlation_id=corr)


class Recorder:
    """A handler that records calls and fails on chosen attempts."""

    def __init__(self, fail: int = 0, always_fail_n: int | None = None) -> None:
        self.calls: list[Envelope] = []
        self.fail, self.always_fail_n = fail, always_fail_n

    async def __call__(self, envelope: Envelope) -> None:
        self.calls.append(envelope)
        if len(self.calls) <= self.fail or envelope.payload["n"] == self.always_fail_n:
            raise RuntimeError("handler failed")


async def test_delivers_once_per_bound_queue_and_replicas_share_round_robin() -> None:
    bus = InMemoryBus(FAST)
    replica_a, replica_b, audit, other = Recorder(), Recorder(), Recorder(), Recorder()
    # Two patterns of one queue both match: still one delivery to that queue.
    await bus.subscribe("notify", ["auth.#", "auth.user_registered.v1"], replica_a)
    await bus.subscribe("notify", ["auth.#"], replica_b)
    await bus.subscribe("audit", ["*.user_registered.*"], audit)
    await bus.subscribe("queue", ["queue.#"], other)
    for n in range(4):
        await bus.publish(event(n))
    await bus.drain()
    assert len(replica_a.calls) == len(replica_b.calls) == 2
    assert sorted(e.payload["n"] for e in replica_a.calls + replica_b.calls) == [0, 1, 2, 3]
    assert sorted(e.payload["n"] for e in audit.calls) == [0, 1, 2, 3]
    assert (other.calls, len(bus.published)) == ([], 4)


async def test_publish_with_no_binding_is_an_error() -> None:
    bus = InMemoryBus(FAST)
    await bus.subscribe("q", ["queue.#"], Recorder())
    with pytest.raises(PublishError, match="unroutable"):
        await bus.publish(event())
    assert bus.published == []


async def test_transient_failure_is_retried_and_not_dead_lettered() -> None:
    bus, handler = InMemoryBus(FAST), Recorder(fail=2)
    await bus.subscribe("q", ["auth.#"], handler)
    await bus.publish(msg := event())
    await bus.drain()
    assert [e.event_id for e in handler.calls] == [msg.event_id] * 3
    assert bus.dead_letters["q"] == []


async def test_persistent_failure_is_dead_lettered_after_max_attempts_others_flow() -> None:
    bus, handler = InMemoryBus(FAST), Recorder(always_fail_n=3)
    await bus.subscribe("q", ["auth.#"], handler)
    for n in range(10):
        await bus.publish(event(n))
    await bus.drain()
    per_message = Counter(e.payload["n"] for e in handler.calls)
    assert per_message[3] == FAST.max_attempts == 4
    assert all(per_message[n] == 1 for n in range(10) if n != 3)
    assert [Envelope.from_json(b).payload["n"] for b in bus.dead_letters["q"]] == [3]


async def test_poison_message_is_dead_lettered_after_one_call() -> None:
    bus, calls = InMemoryBus(FAST), []

    async def poison(envelope: Envelope) -> None:
        calls.append(envelope)
        raise PoisonMessage("cannot ever handle this")

    await bus.subscribe("q", ["auth.#"], poison)
    await bus.publish(msg := event())
    await bus.drain()
    assert len(calls) == 1
    assert bus.dead_letters["q"] == [msg.to_json()]


async def test_unparseable_body_is_dead_lettered_without_calling_the_handler() -> None:
    bus, handler = InMemoryBus(FAST), Recorder()
    await bus.subscribe("q", ["auth.#"], handler)
    await bus.publish_raw("auth.user_registered.v1", b"{not json")
    await bus.drain()
    assert handler.calls == []
    assert bus.dead_letters["q"] == [b"{not json"]


async def test_duplicate_mode_delivers_every_message_twice() -> None:
    bus, handler = InMemoryBus(FAST, duplicate=True), Recorder()
    await bus.subscribe("q", ["auth.#"], handler)
    msgs = [event(n) for n in range(3)]
    for m in msgs:
        await bus.publish(m)
    await bus.drain()
    assert Counter(e.event_id for e in handler.calls) == {m.event_id: 2 for m in msgs}


async def test_correlation_id_comes_from_the_envelope_during_the_handler() -> None:
    bus, seen = InMemoryBus(FAST), {}

    async def handler(envelope: Envelope) -> None:
        seen[envelope.payload["n"]] = correlation_id()

    await bus.subscribe("q", ["auth.#"], handler)
    with_corr, without = event(1, corr="req-42"), event(2)
    await bus.publish(with_corr)
    await bus.publish(without)
    await bus.drain()
    assert seen == {1: "req-42", 2: without.event_id.hex}


async def test_drain_waits_for_pending_retries() -> None:
    # 50 ms retry delay at time_scale 1.0: the retry is still sleeping when drain() starts.
    bus, handler = InMemoryBus(RetryPolicy(delays_ms=(50,)), time_scale=1.0), Recorder(fail=1)
    await bus.subscribe("q", ["auth.#"], handler)
    await bus.publish(event())
    await asyncio.sleep(0.01)
    assert len(handler.calls) == 1
    await bus.drain(timeout=1.0)
    assert len(handler.calls) == 2
    assert bus.dead_letters["q"] == []


async def test_publish_after_close_raises() -> None:
    bus = InMemoryBus(FAST)
    await bus.subscribe("q", ["auth.#"], Recorder())
    assert bus.is_connected()
    await bus.close()
    assert not bus.is_connected()
    with pytest.raises(PublishError):
        await bus.publish(event())


@pytest.mark.parametrize(
    ("pattern", "key", "expected"),
    [
        # exact
        ("auth.user_registered.v1", "auth.user_registered.v1", True),
        ("auth.user_registered.v1", "auth.user_registered.v2", False),
        # * is exactly one word
        ("auth.*.v1", "auth.user_registered.v1", True), ("auth.*.v1", "auth.v1", False),
        ("auth.*.v1", "auth.a.b.v1", False), ("*", "auth", True), ("*", "auth.x", False),
        # # is zero or more words: alone, at the start, in the middle, at the end
        ("#", "auth.user_registered.v1", True), ("#.v1", "auth.a.v1", True),
        ("#.v1", "v1", True), ("#.v1", "auth.v2", False),
        ("auth.#.v1", "auth.a.b.v1", True), ("auth.#.v1", "auth.v1", True),
        ("auth.#.v1", "auth.a.v2", False), ("auth.#", "auth", True),
        ("auth.#", "auth.a.b", True), ("auth.#", "queue.a", False),
        ("a.*.#", "a", False), ("a.*.#", "a.b", True),
        # mismatched lengths
        ("a.b", "a.b.c", False), ("a.b.c", "a.b", False),
    ],
)
def test_topic_matches(pattern: str, key: str, expected: bool) -> None:
    assert topic_matches(pattern, key) is expected


async def test_the_embedded_bus_drops_an_unbound_event_and_counts_it() -> None:
    bus = InMemoryBus(FAST, unbound="drop")
    handler = Recorder()
    await bus.subscribe("q", ["queue.#"], handler)
    await bus.publish(event(1))  # nobody is bound to it: accepted, not raised, not delivered
    await bus.publish(event(2))
    await bus.drain()
    assert handler.calls == [] and dict(bus.unbound_dropped) == {event(1).name: 2}


async def test_published_keeps_only_the_last_ones() -> None:
    bus = InMemoryBus(FAST, keep_published=10)
    await bus.subscribe("q", ["#"], Recorder())
    for n in range(25):
        await bus.publish(event(n))
    assert len(bus.published) <= 10 and bus.published[-1].payload["n"] == 24
