"""A service's consumer process (``entrypoints/consumer.py``), from the only things that differ
between services: its settings class, its queue, its inbox consumer's name and its bus.

The consumer is the service's own message bus behind the inbox (``InboxConsumer.for_bus``), so
the queue is bound to exactly the events the bus has handlers for."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, NamedTuple, TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine

from hms_platform.messagebus import MessageBus
from hms_platform.messaging.inbox import InboxConsumer
from hms_platform.runtime import run, serve_consumer
from hms_platform.settings import ServiceSettings

S = TypeVar("S", bound=ServiceSettings)


class ConsumerProcess(NamedTuple, Generic[S]):
    """``build_consumer(settings, engine)`` (what the embedded run and the tests subscribe) and
    ``main()`` (the process: ``python -m <package>.entrypoints.consumer``, ``hms-<name>
    consumer``)."""

    build_consumer: Callable[[S, AsyncEngine], InboxConsumer]
    main: Callable[[], None]


def consumer_process(settings_type: type[S], queue: str, consumer: str,
                     build_bus: Callable[[S, AsyncEngine], MessageBus]) -> ConsumerProcess[S]:
    """The consumer named ``consumer`` (its inbox rows' key) over ``build_bus(settings,
    engine)``, and the process that serves it on ``queue`` with ``settings_type()``."""

    def build_consumer(settings: S, engine: AsyncEngine) -> InboxConsumer:
        return InboxConsumer.for_bus(consumer, build_bus(settings, engine))

    # The concrete settings class, for whoever reads the signature (get_type_hints): the
    # topology and key-rotation tests build a consumer on the service's own test settings.
    build_consumer.__annotations__ = {
        "settings": settings_type, "engine": AsyncEngine, "return": InboxConsumer}

    def main() -> None:
        settings = settings_type()
        run(serve_consumer(settings, queue, lambda engine: build_consumer(settings, engine)))

    return ConsumerProcess(build_consumer, main)
