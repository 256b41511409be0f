"""The composition root: the message bus with every handler's dependencies, and the inbox
consumer's handler of every event. Tests pass a unit of work factory; processes call
``build``."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine

from hms_contracts.registry import event_names
from hms_platform.messagebus import MessageBus
from hms_platform.messaging.inbox import InboxConsumer
from hms_reporting.adapters.unit_of_work import sql_uow_factory
from hms_reporting.config import ReportingSettings
from hms_reporting.service_layer.handlers import HANDLERS
from hms_reporting.service_layer.recording import record_event

CONSUMER = "reporting"


def bootstrap(uow_factory: Callable[[], Any], *, tz: ZoneInfo) -> MessageBus:
    return MessageBus(HANDLERS, uow_factory, {"tz": tz})


def build(settings: ReportingSettings, engine: AsyncEngine) -> MessageBus:
    """The production wiring over ``engine``."""
    return bootstrap(sql_uow_factory(engine), tz=settings.tz)


def build_consumer(settings: ReportingSettings, engine: AsyncEngine) -> InboxConsumer:
    """Every event of the catalogue, each kept once (the inbox, and the event store by id)."""
    handler = functools.partial(_record, tz=settings.tz)
    return InboxConsumer(CONSUMER, sql_uow_factory(engine),
                         dict.fromkeys(event_names(), handler))


async def _record(event: Any, envelope: Any, uow: Any, *, tz: ZoneInfo) -> None:
    await record_event(event, envelope, uow, tz)
