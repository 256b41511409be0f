"""The composition root: the message bus with every handler's dependencies; every event of the
catalogue is handled by ``record_event`` (kept once as it came, with its envelope). Tests pass
a unit of work factory; processes call ``build``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine

from hms_contracts.registry import REGISTRY
from hms_platform.messagebus import MessageBus
from hms_reporting.adapters.unit_of_work import sql_uow_factory
from hms_reporting.config import ReportingSettings
from hms_reporting.service_layer.handlers import HANDLERS
from hms_reporting.service_layer.recording import record_event


def bootstrap(uow_factory: Callable[[], Any], *, tz: ZoneInfo) -> MessageBus:
    """The reports, and every event of the catalogue, each kept once (the inbox, and the event
    store by id): its consumer is bound to all of them."""
    every_event = dict.fromkeys(REGISTRY.values(), record_event)
    return MessageBus({**HANDLERS, **every_event}, uow_factory, {"tz": tz})


def build(settings: ReportingSettings, engine: AsyncEngine) -> MessageBus:
    """The production wiring over ``engine``."""
    return bootstrap(sql_uow_factory(engine), tz=settings.tz)

