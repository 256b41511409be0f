"""The one message bus: commands and events to their handlers, dependencies checked at build."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pytest

from hms_contracts.auth import UserDeactivated
from hms_contracts.envelope import Envelope
from hms_platform.messagebus import Command, MessageBus, UnknownMessage
from hms_platform.messaging.inbox import InboxConsumer


@dataclass(frozen=True)
class Double(Command[int]):
    roles: ClassVar[frozenset[str]] = frozenset({"admin"})
    value: int


async def double(cmd: Double, uow: Any, factor: int) -> int:
    uow.append(cmd.value)
    return cmd.value * factor


async def forget(event: UserDeactivated, uow: Any) -> None:
    uow.append(event.user_id)


def make_bus() -> tuple[MessageBus, list[list[Any]]]:
    made: list[list[Any]] = []

    def new_uow() -> list[Any]:
        made.append([])
        return made[-1]

    return MessageBus({Double: double, UserDeactivated: forget}, new_uow, {"factor": 3}), made


async def test_a_command_gets_a_fresh_unit_of_work_and_its_dependencies() -> None:
    bus, made = make_bus()
    assert await bus.handle(Double(2)) == 6
    assert await bus.handle(Double(5)) == 15
    assert made == [[2], [5]] and Double.roles == {"admin"}


async def test_an_event_joins_the_unit_of_work_it_is_given() -> None:
    bus, made = make_bus()
    given: list[Any] = []
    event = UserDeactivated(user_id="00000000-0000-0000-0000-000000000001")
    await bus.handle(event, uow=given)
    assert given == [event.user_id] and made == []
    assert bus.event_types == [UserDeactivated]
    assert InboxConsumer.for_bus("demo", bus).routing_keys == [UserDeactivated.NAME]


def test_a_missing_dependency_fails_when_the_bus_is_built() -> None:
    with pytest.raises(TypeError, match="factor"):
        MessageBus({Double: double}, list, {})


def test_only_commands_and_events_are_registered() -> None:
    with pytest.raises(TypeError, match="neither"):
        MessageBus({dict: double}, list, {"factor": 1})


async def test_an_unknown_message_is_refused() -> None:
    bus, _ = make_bus()

    @dataclass(frozen=True)
    class Other(Command[None]):
        pass

    with pytest.raises(UnknownMessage):
        await bus.handle(Other())


async def test_a_handler_that_asks_for_the_envelope_gets_the_one_the_inbox_received() -> None:
    """A service that keeps events as they came (reporting) is on the same consumer: the inbox
    hands the envelope through the bus to a handler with an ``envelope`` parameter."""
    kept: list[tuple[Any, Any]] = []

    async def keep(event: UserDeactivated, envelope: Envelope, uow: Any) -> None:
        kept.append((event, envelope))

    bus = MessageBus({UserDeactivated: keep}, list, {})
    event = UserDeactivated(user_id="00000000-0000-0000-0000-000000000001")
    envelope = Envelope.of(event)
    consumer = InboxConsumer.for_bus("demo", bus)
    await consumer.handlers[UserDeactivated.NAME](event, envelope, [])
    assert kept == [(event, envelope)]
