"""How a service takes part in the embedded run (one process, one port, in-memory bus).

Each service exposes ``hms_<name>.embedded.component(database_url, bus) -> Component``; the
embedded runner migrates it, serves its app under each of its prefixes, runs its relay and
consumers.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from hms_platform.messaging.bus import MessageHandler
from hms_platform.messaging.inbox import InboxConsumer
from hms_platform.outbox import OutboxTables
from hms_platform.runtime import engine_for
from hms_platform.settings import ServiceSettings
from hms_platform.web import make_token_verifier

S = TypeVar("S", bound=ServiceSettings)


@dataclass(frozen=True)
class Subscription:
    queue: str
    routing_keys: Sequence[str]
    handler: MessageHandler


@dataclass
class Component:
    name: str
    prefix: str  # its home: docs, OpenAPI and probes live under it
    app: FastAPI
    engine: AsyncEngine
    tables: OutboxTables
    migrations: Path
    subscriptions: list[Subscription] = field(default_factory=list)
    # Timed work (schedulers): coroutines run until the process stops.
    background: list[Callable[[], Coroutine[Any, Any, None]]] = field(default_factory=list)
    # Every path prefix the gateway routes to it (default: its home alone; reporting's
    # reports and audit trail also answer under /api/reports and /api/audit).
    prefixes: Sequence[str] = ()

    def __post_init__(self) -> None:
        self.prefixes = tuple(self.prefixes) or (self.prefix,)
        if self.prefix not in self.prefixes:
            raise ValueError(f"{self.name}: its home {self.prefix} is not one of its prefixes")


def service_component(
    name: str,
    settings: S,
    *,
    prefix: str,
    create_app: Callable[..., FastAPI],
    tables: OutboxTables,
    migrations: Path,
    consumer: tuple[str, Callable[[S, AsyncEngine], InboxConsumer]] | None = None,
    background: Sequence[Callable[[S, AsyncEngine], Coroutine[Any, Any, None]]] = (),
    prefixes: Sequence[str] = (),
) -> Component:
    """A service's component as most build it: an engine from ``settings``; its app
    (``create_app(settings, engine=, token_verifier=)``, tokens checked against auth's JWKS,
    which the embedded run serves itself); ``consumer`` (its queue and
    ``build_consumer(settings, engine)``) subscribed to the events it consumes; each of
    ``background`` run as ``work(settings, engine)``."""
    engine = engine_for(settings)
    app = create_app(settings, engine=engine, token_verifier=make_token_verifier(settings))
    subscriptions = []
    if consumer is not None:
        queue, build_consumer = consumer
        handler = build_consumer(settings, engine)
        subscriptions.append(Subscription(queue, handler.routing_keys, handler))
    return Component(
        name=name, prefix=prefix, prefixes=prefixes, app=app, engine=engine, tables=tables,
        migrations=migrations, subscriptions=subscriptions,
        background=[functools.partial(work, settings, engine) for work in background])
