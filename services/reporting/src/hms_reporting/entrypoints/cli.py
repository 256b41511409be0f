"""``hms-reporting migrate | replay | api | consumer``. Each process's module is imported only
when it runs, so the consumer never loads the web stack."""

from __future__ import annotations

import argparse
import asyncio
import importlib

from hms_platform.logging import configure_logging
from hms_platform.migrations import upgrade
from hms_platform.runtime import engine_for
from hms_reporting import MIGRATIONS
from hms_reporting.adapters.store import stream_events
from hms_reporting.adapters.unit_of_work import sql_uow_factory
from hms_reporting.config import ReportingSettings
from hms_reporting.service_layer.replay import replay


async def migrate(settings: ReportingSettings) -> None:
    engine = engine_for(settings)
    try:
        await upgrade(engine, MIGRATIONS)
    finally:
        await engine.dispose()


async def rebuild(settings: ReportingSettings) -> int:
    """Rebuild the read models from the event store; the number of events replayed."""
    engine = engine_for(settings)
    try:
        return await replay(stream_events(engine, settings.replay_batch),
                            sql_uow_factory(engine), settings.tz)
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="hms-reporting", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply the database migrations")
    commands.add_parser("replay", help="rebuild the read models from the event store")
    api = commands.add_parser("api", help="serve the HTTP API (uvicorn)")
    api.add_argument("--host", default="127.0.0.1")
    api.add_argument("--port", type=int, default=8005)
    commands.add_parser("consumer", help="consume every event")
    args = parser.parse_args(argv)

    if args.command == "migrate":
        asyncio.run(migrate(ReportingSettings()))
    elif args.command == "replay":
        settings = ReportingSettings()
        configure_logging(json=settings.json_logs, level=settings.log_level)
        print(f"replayed {asyncio.run(rebuild(settings))} events")
    elif args.command == "api":
        importlib.import_module("hms_reporting.entrypoints.api.__main__").serve(args.host,
                                                                               args.port)
    else:
        importlib.import_module(f"hms_reporting.entrypoints.{args.command}").main()


if __name__ == "__main__":
    main()
