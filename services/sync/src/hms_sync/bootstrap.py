"""The composition root: the consumer's message bus, and the owners' HTTP client. Tests pass
a unit of work factory or a fake OwnerApi; processes call ``build`` and ``owners``."""

from __future__ import annotations

import ssl
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from hms_platform.messagebus import MessageBus
from hms_sync.adapters.orm import REVOCATIONS, SIGNING_KEYS
from hms_sync.adapters.owners import HttpOwnerApi
from hms_sync.adapters.unit_of_work import sql_uow_factory
from hms_sync.config import SyncSettings
from hms_sync.service_layer.handlers import HANDLERS


def bootstrap(uow_factory: Callable[[], Any], *, tz: ZoneInfo,
              retention: timedelta) -> MessageBus:
    return MessageBus(HANDLERS, uow_factory, {
        "tz": tz, "retention": retention, "revocation_table": REVOCATIONS,
        "signing_key_table": SIGNING_KEYS,
    })


def build(settings: SyncSettings, engine: AsyncEngine) -> MessageBus:
    """The production wiring over ``engine``."""
    return bootstrap(sql_uow_factory(engine), tz=settings.tz, retention=settings.retention)


def owners(settings: SyncSettings, transport: httpx.AsyncBaseTransport | None = None
           ) -> HttpOwnerApi:
    """The owners at SYNC_API_URL (the gateway), or over ``transport`` (the embedded run's
    own routes, in process)."""
    verify: ssl.SSLContext | bool = (ssl.create_default_context(cafile=settings.api_ca_file)
                                     if settings.api_ca_file else True)
    return HttpOwnerApi(httpx.AsyncClient(
        base_url=settings.api_url, transport=transport, verify=verify,
        timeout=httpx.Timeout(settings.owner_timeout_seconds)))
