"""``hms-queue migrate | api | consumer | relay``. Each process's module is imported only when
it runs, so a relay or a consumer never loads the web stack."""

from __future__ import annotations

import argparse
import asyncio
import importlib

from hms_platform.migrations import upgrade
from hms_platform.runtime import engine_for
from hms_queue import MIGRATIONS
from hms_queue.config import QueueSettings


async def migrate(settings: QueueSettings) -> None:
    engine = engine_for(settings)
    try:
        await upgrade(engine, MIGRATIONS)
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="hms-queue", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply the database migrations")
    api = commands.add_parser("api", help="serve the HTTP API (uvicorn)")
    api.add_argument("--host", default="127.0.0.1")
    api.add_argument("--port", type=int, default=8003)
    commands.add_parser("consumer", help="consume appointments' and auth's events")
    commands.add_parser("relay", help="publish the outbox")
    args = parser.parse_args(argv)

    if args.command == "migrate":
        asyncio.run(migrate(QueueSettings()))
    elif args.command == "api":
        importlib.import_module("hms_queue.entrypoints.api.__main__").serve(args.host, args.port)
    else:
        importlib.import_module(f"hms_queue.entrypoints.{args.command}").main()


if __name__ == "__main__":
    main()
