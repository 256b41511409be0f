"""A component's prefixes: its home alone by default, or several the runner routes to it; and
the component most services build (service_component)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, cast

import pytest
import sqlalchemy as sa
from fastapi import FastAPI

from hms_platform.embedding import Component, service_component
from hms_platform.messaging.inbox import InboxConsumer
from hms_platform.outbox import OutboxTables
from hms_platform.settings import ServiceSettings
from hms_platform.web import create_service_app


def component(**prefixes: Any) -> Component:
    return Component(name="demo", prefix="/api/demo", app=create_service_app(
        "demo", prefix="/api/demo"), engine=cast(Any, None),
        tables=OutboxTables(sa.MetaData(), "demo"), migrations=Path("/m"), **prefixes)


def test_a_component_answers_under_its_home_unless_it_names_more() -> None:
    assert component().prefixes == ("/api/demo",)
    assert component(prefixes=["/api/demo", "/api/more"]).prefixes == ("/api/demo",
                                                                       "/api/more")
    with pytest.raises(ValueError, match="home"):
        component(prefixes=("/api/more",))  # its docs and probes would be unreachable


def test_a_service_component_wires_its_app_consumer_and_background_work() -> None:
    settings = ServiceSettings(environment="test")
    seen: list[Any] = []
    handler = InboxConsumer("demo", cast(Any, None), {"demo.thing_done.v1": cast(Any, None)})

    def create_app(settings_: ServiceSettings, **kwargs: Any) -> FastAPI:
        seen.append(("app", settings_, sorted(kwargs)))
        return create_service_app("demo", prefix="/api/demo")

    async def work(settings_: ServiceSettings, engine: Any) -> None:
        seen.append(("work", settings_, engine))

    part = service_component(
        "demo", settings, prefix="/api/demo", create_app=create_app,
        tables=OutboxTables(sa.MetaData(), "demo"), migrations=Path("/m"),
        consumer=("demo.events", lambda settings_, engine: handler), background=[work])
    assert seen == [("app", settings, ["engine", "token_verifier"])]
    assert [(s.queue, list(s.routing_keys), s.handler) for s in part.subscriptions] == [
        ("demo.events", handler.routing_keys, handler)]
    asyncio.run(part.background[0]())
    assert seen[-1] == ("work", settings, part.engine)
    asyncio.run(part.engine.dispose())
