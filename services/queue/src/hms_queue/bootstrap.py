"""The composition root: the message bus with every handler's dependencies, and nothing else.
Tests call ``bootstrap`` with a fake unit of work and a FakeClock; processes call ``build``."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from hms_platform.clock import Clock, SystemClock
from hms_platform.messagebus import MessageBus
from hms_platform.recording import clocked
from hms_queue.adapters.orm import REVOCATIONS, SIGNING_KEYS
from hms_queue.adapters.unit_of_work import sql_uow_factory
from hms_queue.config import QueueSettings
from hms_queue.domain.policy import Policy
from hms_queue.service_layer.handlers import HANDLERS
from hms_queue.service_layer.ports import UnitOfWork


def bootstrap(uow_factory: Callable[[], UnitOfWork], *, clock: Clock,
              policy: Policy) -> MessageBus:
    # The units of work stamp events with the clock the handlers read.
    return MessageBus(HANDLERS, clocked(uow_factory, clock), {
        "clock": clock, "policy": policy, "revocation_table": REVOCATIONS,
        "signing_key_table": SIGNING_KEYS,
    })


def build(settings: QueueSettings, engine: AsyncEngine, *,
          clock: Clock | None = None) -> MessageBus:
    """The production wiring over ``engine``."""
    return bootstrap(sql_uow_factory(engine), clock=clock or SystemClock(),
                     policy=settings.policy())
