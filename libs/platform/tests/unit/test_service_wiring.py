"""The wiring every service shares: its consumer process (hms_platform.consumers), its
platform-owned tables (hms_platform.tables), its API process (hms_platform.web.serving) and its
app over those tables (hms_platform.web.database_app)."""

from __future__ import annotations

from typing import Any, cast, get_type_hints

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from hms_contracts.auth import UserDeactivated
from hms_platform import consumers
from hms_platform.messagebus import MessageBus
from hms_platform.messaging.inbox import InboxConsumer
from hms_platform.revocation import RevocationList, SigningKeyList
from hms_platform.settings import ServiceSettings
from hms_platform.tables import platform_tables
from hms_platform.testing.tokens import TokenFactory
from hms_platform.web import serving
from hms_platform.web.database_app import create_database_app


class DemoSettings(ServiceSettings):
    pass


async def forget(event: UserDeactivated, uow: Any) -> None:
    """A handler, so that the bus handles one event."""


def demo_bus(settings: DemoSettings, engine: AsyncEngine) -> MessageBus:
    return MessageBus({UserDeactivated: forget}, list, {})


def test_the_consumer_is_the_services_bus_behind_its_inbox() -> None:
    build_consumer, _main = consumers.consumer_process(
        DemoSettings, "demo.events", "demo", demo_bus)
    consumer = build_consumer(DemoSettings(environment="test"), cast(AsyncEngine, None))
    assert isinstance(consumer, InboxConsumer) and consumer.name == "demo"
    assert consumer.routing_keys == [UserDeactivated.NAME]
    # What the topology test reads to build a consumer on the service's own settings.
    assert get_type_hints(build_consumer)["settings"] is DemoSettings


def test_the_consumer_process_serves_its_queue_on_settings_from_the_environment(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HMS_ENVIRONMENT", "test")
    served: list[Any] = []

    async def serve_consumer(settings: Any, queue: str, build: Any) -> None:
        served.append((settings, queue, build(cast(AsyncEngine, None)).name))

    monkeypatch.setattr(consumers, "serve_consumer", serve_consumer)
    _build, main = consumers.consumer_process(DemoSettings, "demo.events", "demo", demo_bus)
    main()
    [(settings, queue, name)] = served
    assert isinstance(settings, DemoSettings) and (queue, name) == ("demo.events", "demo")


def test_the_platform_tables_of_a_schema() -> None:
    metadata = sa.MetaData()
    tables = platform_tables(metadata, "demo")
    names = {table.fullname for table in metadata.sorted_tables}
    assert names == {"demo.outbox", "demo.inbox", "demo.idempotency_keys",
                     "demo.token_revocations", "demo.signing_key_ids"}
    assert tables.outbox.schema == "demo" and tables.revocations.schema == "demo"
    outbox, idempotency, revocations, signing_keys = tables  # what a service's orm names
    assert (idempotency.name, revocations.name, signing_keys.name) == (
        "idempotency_keys", "token_revocations", "signing_key_ids")
    assert outbox.outbox.metadata is metadata


def test_an_app_over_the_platform_tables_reads_them() -> None:
    app = create_database_app(
        "demo", prefix="/api/demo", settings=ServiceSettings(environment="test"),
        engine=cast(Any, object()), owned=False, tables=platform_tables(sa.MetaData(), "demo"),
        token_verifier=TokenFactory().verifier(), description="d")
    assert isinstance(app.state.revocations, RevocationList)
    assert isinstance(app.state.signing_keys, SigningKeyList)


def test_an_app_needs_its_tables() -> None:
    with pytest.raises(TypeError, match="needs tables"):
        create_database_app(  # type: ignore[call-overload]
            "demo", prefix="/api/demo", settings=ServiceSettings(environment="test"),
            engine=cast(Any, object()), owned=False, description="d")


def test_the_api_process_serves_on_the_arguments_with_the_services_options(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HMS_ENVIRONMENT", "test")
    served: list[Any] = []

    def serve_service(settings: Any, create_app: Any, *, host: str, port: int,
                      **options: Any) -> None:
        served.append((type(settings), create_app, host, port, options))

    def create_app(settings: DemoSettings) -> Any:
        raise AssertionError("serve_service creates the app")

    monkeypatch.setattr(serving, "serve_service", serve_service)
    serve, main = serving.api_process(
        DemoSettings, create_app, prog="hms-demo api", port=8009,
        options=lambda settings: {"timeout_graceful_shutdown": 3})
    main([])
    main(["--host", "0.0.0.0", "--port", "9000"])
    serve("10.0.0.1", 1)
    options = {"timeout_graceful_shutdown": 3}
    assert served == [(DemoSettings, create_app, "127.0.0.1", 8009, options),
                      (DemoSettings, create_app, "0.0.0.0", 9000, options),
                      (DemoSettings, create_app, "10.0.0.1", 1, options)]
    _serve, plain = serving.api_process(DemoSettings, create_app, prog="hms-demo api", port=1)
    plain([])
    assert served[-1][4] == {}
