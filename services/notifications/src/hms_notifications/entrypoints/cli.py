"""``hms-notifications migrate | api | consumer | relay | scheduler``. Each process's module is
imported only when it runs, so a relay or a consumer never loads the web stack."""

from __future__ import annotations

import argparse
import asyncio
import importlib

from hms_notifications import MIGRATIONS
from hms_notifications.config import NotificationsSettings
from hms_platform.migrations import upgrade
from hms_platform.runtime import engine_for


async def migrate(settings: NotificationsSettings) -> None:
    engine = engine_for(settings)
    try:
        await upgrade(engine, MIGRATIONS)
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="hms-notifications", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply the database migrations")
    api = commands.add_parser("api", help="serve the HTTP API (uvicorn)")
    api.add_argument("--host", default="127.0.0.1")
    api.add_argument("--port", type=int, default=8004)
    commands.add_parser("consumer", help="turn events into due messages")
    commands.add_parser("relay", help="publish the outbox")
    commands.add_parser("scheduler", help="send due messages (reminders included)")
    args = parser.parse_args(argv)

    if args.command == "migrate":
        asyncio.run(migrate(NotificationsSettings()))
    elif args.command == "api":
        importlib.import_module("hms_notifications.entrypoints.api.__main__").serve(
            args.host, args.port)
    else:
        importlib.import_module(f"hms_notifications.entrypoints.{args.command}").main()


if __name__ == "__main__":
    main()
