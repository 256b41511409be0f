"""How a service takes part in the embedded run (one process, one port, in-memory bus).

Each service exposes ``hms_<name>.embedded.component(database_url, bus) -> Component``; the
embedded runner migrates it, serves its app under each of its prefixes, runs its relay and
consumers.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from hms_platform.messaging.bus import MessageHandler
from hms_platform.outbox import OutboxTables


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
