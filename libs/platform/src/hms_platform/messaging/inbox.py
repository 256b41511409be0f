"""The inbox consumer: turns an event into a handler call inside one unit of work, once: the
inbox row and the effect commit together, then the message is acked
(why: docs/decisions/0003-inbox-in-the-effects-transaction.md)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol

import structlog
from pydantic import ValidationError

from hms_contracts.envelope import Envelope, EventPayload
from hms_contracts.registry import parse_payload
from hms_platform.db import SqlUnitOfWork
from hms_platform.messagebus import MessageBus
from hms_platform.messaging.bus import PoisonMessage

log = structlog.get_logger(__name__)


class EventHandler(Protocol):
    def __call__(self, event: Any, envelope: Envelope, uow: Any) -> Awaitable[None]: ...


PayloadParser = Callable[[Envelope], EventPayload]


class InboxConsumer:
    """A ``MessageHandler`` for the bus: ``await bus.subscribe(queue, c.routing_keys, c)``."""

    def __init__(
        self,
        name: str,
        uow_factory: Callable[[], SqlUnitOfWork],
        handlers: Mapping[str, EventHandler],
        parser: PayloadParser = parse_payload,
    ) -> None:
        self.name = name
        self.uow_factory = uow_factory
        self.handlers = dict(handlers)
        self.parser = parser

    @classmethod
    def for_bus(cls, name: str, bus: MessageBus) -> InboxConsumer:
        """The consumer of every event ``bus`` has a handler for: each runs on the bus, in the
        unit of work that claims the event in the inbox, with its envelope for a handler that
        asks for one (reporting keeps every event as it came)."""

        async def on_bus(event: Any, envelope: Envelope, uow: Any) -> None:
            await bus.handle(event, uow=uow, envelope=envelope)

        return cls(name, bus.uow_factory, {kind.NAME: on_bus for kind in bus.event_types})

    @property
    def routing_keys(self) -> list[str]:
        return sorted(self.handlers)

    async def __call__(self, envelope: Envelope) -> None:
        handler = self.handlers.get(envelope.name)
        if handler is None:
            log.info("message.ignored", consumer=self.name, event_name=envelope.name)
            return
        try:
            event = self.parser(envelope)
        except (ValidationError, KeyError) as exc:
            raise PoisonMessage(f"{envelope.name}: {type(exc).__name__}") from exc
        async with self.uow_factory() as uow:
            if not await uow.claim_inbox(self.name, envelope):
                log.info("message.duplicate", consumer=self.name, event_name=envelope.name,
                         event_id=str(envelope.event_id))
                return
            await handler(event, envelope, uow)
            await uow.commit()
        log.info("message.handled", consumer=self.name, event_name=envelope.name,
                 event_id=str(envelope.event_id))
