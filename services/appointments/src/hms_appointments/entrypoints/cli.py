"""``hms-appointments migrate | api | consumer | relay | scheduler``. Each process's module is
imported only when it runs, so a relay or a consumer never loads the web stack."""

from __future__ import annotations

import argparse
import asyncio
import importlib

from hms_appointments import MIGRATIONS
from hms_appointments.config import AppointmentsSettings
from hms_platform.migrations import upgrade
from hms_platform.runtime import engine_for


async def migrate(settings: AppointmentsSettings) -> None:
    engine = engine_for(settings)
    try:
        await upgrade(engine, MIGRATIONS)
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="hms-appointments", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply the database migrations")
    api = commands.add_parser("api", help="serve the HTTP API (uvicorn)")
    api.add_argument("--host", default="127.0.0.1")
    api.add_argument("--port", type=int, default=8002)
    commands.add_parser("consumer", help="consume auth events into the directory")
    commands.add_parser("relay", help="publish the outbox")
    commands.add_parser("scheduler", help="mark no-shows periodically")
    args = parser.parse_args(argv)

    if args.command == "migrate":
        asyncio.run(migrate(AppointmentsSettings()))
    elif args.command == "api":
        importlib.import_module("hms_appointments.entrypoints.api.__main__").serve(
            args.host, args.port)
    else:
        importlib.import_module(f"hms_appointments.entrypoints.{args.command}").main()


if __name__ == "__main__":
    main()
