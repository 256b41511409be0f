"""The composition root: the message bus with every handler's dependencies, and the sender's
channels (SMS by Twilio, push by FCM, email by SMTP, or the console). Tests call
``bootstrap`` with fakes and a FakeClock; processes call ``build``, the sender ``sender``."""

from __future__ import annotations

import contextlib
import random
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from hms_notifications.adapters.orm import REVOCATIONS, SIGNING_KEYS
from hms_notifications.adapters.unit_of_work import sql_uow_factory
from hms_notifications.config import NotificationsSettings
from hms_notifications.domain.delivery import RetryPolicy
from hms_notifications.domain.rules import Rules
from hms_notifications.domain.subscriptions import (
    DEFAULT_PUSH_ORIGINS,
    OriginPattern,
    origin_pattern,
)
from hms_notifications.service_layer.handlers import HANDLERS
from hms_notifications.service_layer.ports import Channel
from hms_platform.clock import Clock, SystemClock
from hms_platform.messagebus import MessageBus
from hms_platform.recording import clocked
from hms_platform.sealing import Sealer


def bootstrap(uow_factory: Callable[[], Any], *, clock: Clock, rules: Rules,
              channels: Mapping[str, Channel], enabled: frozenset[str] | None = None,
              policy: RetryPolicy | None = None, lease: timedelta = timedelta(seconds=60),
              sealer: Sealer | None = None,
              rand: Callable[[], float] = random.random,
              push_origins: Sequence[OriginPattern] | None = None,
              push_key: str | None = None) -> MessageBus:
    """``enabled``: the channels messages are planned on (default: those in ``channels``; a
    consumer plans for the channels the senders have, without holding their clients).
    ``push_origins``: the push services a Web Push subscription may point at (default: the
    real ones); ``push_key``: the VAPID public key (None: Web Push off)."""
    uow_factory = clocked(uow_factory, clock)  # events stamped with the handlers' clock
    return MessageBus(HANDLERS, uow_factory, {
        "clock": clock, "rules": rules, "channels": channels,
        "enabled": frozenset(channels) if enabled is None else enabled,
        "policy": policy or RetryPolicy(), "lease": lease, "sealer": sealer, "rand": rand,
        "new_uow": uow_factory, "clinic_tz": rules.clinic_tz, "revocation_table": REVOCATIONS,
        "signing_key_table": SIGNING_KEYS,
        "push_origins": tuple(push_origins if push_origins is not None
                              else map(origin_pattern, DEFAULT_PUSH_ORIGINS)),
        "push_key": push_key,
    })


def build(settings: NotificationsSettings, engine: AsyncEngine, *,
          channels: Mapping[str, Channel] | None = None, clock: Clock | None = None,
          ) -> MessageBus:
    """The production wiring over ``engine``. Without ``channels`` (API, consumer) nothing is
    sent from this bus, and messages are planned on the channels settings configure."""
    from hms_notifications.adapters.channels.factory import configured, push_public_key

    return bootstrap(
        sql_uow_factory(engine), clock=clock or SystemClock(), rules=settings.rules(),
        channels=channels or {}, enabled=configured(settings),
        policy=settings.retry_policy(), lease=timedelta(seconds=settings.lease_seconds),
        sealer=Sealer.from_base64(settings.code_encryption_key.get_secret_value()),
        push_origins=settings.push_origins(), push_key=push_public_key(settings))


@contextlib.asynccontextmanager
async def sender(settings: NotificationsSettings, engine: AsyncEngine, *,
                 channels: Mapping[str, Channel] | None = None, clock: Clock | None = None,
                 ) -> AsyncIterator[MessageBus]:
    """The sender's bus over ``engine``, with the channel clients the settings configure (made
    here, inside the event loop their HTTP clients bind to, and closed when the block ends),
    or with ``channels`` (the caller's: left open)."""
    from hms_notifications.adapters.channels.factory import build_channels, close_channels

    chosen = build_channels(settings) if channels is None else channels
    try:
        yield build(settings, engine, channels=chosen, clock=clock)
    finally:
        if channels is None:
            await close_channels(dict(chosen))
