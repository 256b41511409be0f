"""The sync service inside the embedded run (one process, in-memory bus): pushed operations
go to the owners' routes of the same process, in process (no socket)."""

from __future__ import annotations

import httpx
from starlette.types import ASGIApp, Receive, Scope, Send

from hms_platform.embedding import Component, Subscription
from hms_platform.messaging.bus import EventBus
from hms_platform.runtime import engine_for
from hms_platform.web import make_token_verifier
from hms_sync import MIGRATIONS
from hms_sync.adapters.orm import TABLES
from hms_sync.bootstrap import owners
from hms_sync.config import SyncSettings
from hms_sync.entrypoints.api import PREFIX
from hms_sync.entrypoints.api.app import create_app
from hms_sync.entrypoints.consumer import QUEUE, build_consumer


class FrontDoor:
    """The runner's app, handed over once built (``app.state.attach_front_door``): the
    owners' routes are served by the same app this component is part of."""

    def __init__(self) -> None:
        self.app: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.app is None:
            raise RuntimeError("the embedded runner has not attached its app yet")
        await self.app(scope, receive, send)


def component(database_url: str, bus: EventBus) -> Component:
    """The app, engine, tables, migrations and the consumer's subscription. Tokens come from
    auth in the same process: ``jwks_url`` defaults to the embedded port."""
    settings = SyncSettings(database_url=database_url)
    engine = engine_for(settings)
    front = FrontDoor()
    app = create_app(settings, engine=engine, token_verifier=make_token_verifier(settings),
                     # An owner's crash is its own 500 answer here, as over the network.
                     owners=owners(settings, httpx.ASGITransport(
                         app=front, raise_app_exceptions=False)))
    app.state.attach_front_door = lambda runner_app: setattr(front, "app", runner_app)
    consumer = build_consumer(settings, engine)
    return Component(
        name="sync", prefix=PREFIX, app=app, engine=engine, tables=TABLES,
        migrations=MIGRATIONS,
        subscriptions=[Subscription(QUEUE, consumer.routing_keys, consumer)],
    )
