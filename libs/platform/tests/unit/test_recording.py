"""The recorder takes aggregates' events when they are written and at commit, in the order a
handler raised them, stamped with the handler's clock; a rollback keeps none."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from hms_contracts.envelope import EventPayload
from hms_platform.recording import EventRecorder, clocked, to_envelope
from hms_platform.testing.clock import FakeClock

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


@dataclass(frozen=True)
class Added:
    item_id: int


@dataclass(frozen=True)
class Renamed:
    item_id: int
    name: str


class ItemAdded(EventPayload):
    NAME = "demo.item_added.v1"
    PRODUCER = "demo"
    item_id: int


class ItemRenamed(EventPayload):
    NAME = "demo.item_renamed.v1"
    PRODUCER = "demo"
    item_id: int
    new_name: str


CONTRACTS = {
    Added: ItemAdded,  # same fields
    Renamed: lambda e: ItemRenamed(item_id=e.item_id, new_name=e.name),  # field by field
}


@dataclass
class Item:
    id: int
    events: list[Any] = field(default_factory=list)

    def rename(self, name: str) -> None:
        self.events.append(Renamed(self.id, name))


def added(i: int) -> Item:
    return Item(i, [Added(i)])


def names(recorder: EventRecorder) -> list[tuple[str, int]]:
    return [(e.name.split(".")[1], e.payload["item_id"]) for e in recorder.collect()]


def test_two_aggregates_events_leave_in_the_order_raised() -> None:
    recorder = EventRecorder(CONTRACTS, FakeClock(T0))
    first, second = added(1), added(2)
    recorder.seen(first)
    first.rename("a")  # raised after its write: taken at the next write, before second's
    recorder.seen(second)
    second.rename("b")
    first.rename("c")  # no write after these two: taken at commit, in the order seen
    assert names(recorder) == [("item_added", 1), ("item_renamed", 1), ("item_added", 2),
                               ("item_renamed", 1), ("item_renamed", 2)]
    assert first.events == [] and second.events == []


def test_an_emitted_event_comes_after_what_aggregates_raised_before_it() -> None:
    recorder = EventRecorder(CONTRACTS, FakeClock(T0))
    item = Item(1)
    recorder.seen(item)
    item.rename("a")
    recorder.emit(Added(9))
    assert names(recorder) == [("item_renamed", 1), ("item_added", 9)]


def test_an_aggregate_seen_without_events_adds_none_and_unseen_ones_publish_nothing() -> None:
    recorder = EventRecorder(CONTRACTS, FakeClock(T0))
    recorder.seen(Item(1))
    unsaved = added(2)  # changed but never written: its event would not be true
    assert recorder.collect() == []
    assert unsaved.events == [Added(2)]


def test_collecting_twice_does_not_double() -> None:
    recorder = EventRecorder(CONTRACTS, FakeClock(T0))
    item = added(1)
    recorder.seen(item)
    assert len(recorder.collect()) == 1
    assert recorder.collect() == []
    item.rename("a")  # the next transaction sees it only if it writes it again
    assert recorder.collect() == []


def test_discard_keeps_nothing_taken_or_still_raised() -> None:
    recorder = EventRecorder(CONTRACTS, FakeClock(T0))
    item = added(1)
    recorder.seen(item)
    item.rename("a")
    recorder.emit(Added(9))
    recorder.discard()
    assert recorder.collect() == [] and item.events == []
    recorder.seen(item)  # written again in a later transaction: nothing stale leaks
    assert recorder.collect() == []


def test_events_carry_the_clock_and_the_contract() -> None:
    clock = FakeClock(T0)
    recorder = EventRecorder(CONTRACTS, clock)
    item = added(1)
    recorder.seen(item)
    clock.advance(minutes=1)
    item.rename("b")
    recorder.emit(Added(2), occurred_at=T0 - timedelta(hours=1))
    registered, renamed, late = recorder.collect()
    assert registered.occurred_at == T0 and renamed.occurred_at == T0 + timedelta(minutes=1)
    assert late.occurred_at == T0 - timedelta(hours=1)
    assert renamed.payload == {"item_id": 1, "new_name": "b"}
    assert (renamed.name, renamed.producer) == ("demo.item_renamed.v1", "demo")


def test_to_envelope_maps_by_fields_or_function() -> None:
    assert to_envelope(Added(3), CONTRACTS, T0).payload == {"item_id": 3}
    assert to_envelope(Renamed(3, "x"), CONTRACTS, T0).payload == {"item_id": 3,
                                                                    "new_name": "x"}


def test_clocked_gives_each_unit_of_work_the_handlers_clock() -> None:
    class Unit:
        def __init__(self) -> None:
            self.recorder = EventRecorder(CONTRACTS)

    clock = FakeClock(T0)
    unit = clocked(Unit, clock)()
    unit.recorder.emit(Added(1))
    assert unit.recorder.clock is clock
    assert [e.occurred_at for e in unit.recorder.collect()] == [T0]


@dataclass(frozen=True)
class Part:
    code: str


@dataclass(frozen=True)
class Assembled:
    item_id: int
    parts: list[Part]


class ItemAssembled(EventPayload):
    NAME = "demo.item_assembled.v1"
    PRODUCER = "demo"
    item_id: int
    parts: list[dict[str, str]]


def test_to_envelope_turns_nested_dataclasses_into_plain_values() -> None:
    # Flat events are read field by field; one holding dataclasses goes through asdict.
    parts = [Part("a"), Part("b")]
    envelope = to_envelope(Assembled(7, parts), {Assembled: ItemAssembled}, T0)
    assert envelope.payload == {"item_id": 7, "parts": [{"code": "a"}, {"code": "b"}]}
    assert parts == [Part("a"), Part("b")]  # the event's own values are not changed
