"""The command line every service has: ``hms-<name> migrate | api [--host H] [--port P] |
<process> ...``, plus the service's own commands. A process's module is imported only when it
runs, so a relay or a consumer never loads the web stack."""

from __future__ import annotations

import argparse
import asyncio
import importlib
from collections.abc import Callable, Mapping
from pathlib import Path

from hms_platform.migrations import upgrade
from hms_platform.runtime import engine_for
from hms_platform.settings import ServiceSettings

Command = Callable[[], None]


async def migrate(settings: ServiceSettings, migrations: Path) -> None:
    engine = engine_for(settings)
    try:
        await upgrade(engine, migrations)
    finally:
        await engine.dispose()


def service_cli(
    package: str,
    settings: Callable[[], ServiceSettings],
    migrations: Path,
    *,
    api_port: int,
    processes: Mapping[str, str],
    commands: Mapping[str, tuple[str, Command]] | None = None,
    description: str | None = None,
) -> Callable[..., None]:
    """``main(argv)`` for ``hms-<name>``: ``migrate``; ``api`` (``<package>.entrypoints.api``'s
    ``serve(host, port)``); each of ``processes`` (name -> help), run as
    ``<package>.entrypoints.<name>.main()``; and the service's own ``commands`` (name ->
    (help, function))."""
    prog = package.replace("_", "-")

    def main(argv: list[str] | None = None) -> None:
        parser = argparse.ArgumentParser(prog=prog, description=description)
        sub = parser.add_subparsers(dest="command", required=True)
        sub.add_parser("migrate", help="apply the database migrations")
        for name, (text, _) in (commands or {}).items():
            sub.add_parser(name, help=text)
        api = sub.add_parser("api", help="serve the HTTP API (uvicorn)")
        api.add_argument("--host", default="127.0.0.1")
        api.add_argument("--port", type=int, default=api_port)
        for name, text in processes.items():
            sub.add_parser(name, help=text)
        args = parser.parse_args(argv)
        if args.command == "migrate":
            asyncio.run(migrate(settings(), migrations))
        elif args.command in (commands or {}):
            (commands or {})[args.command][1]()
        elif args.command == "api":
            importlib.import_module(f"{package}.entrypoints.api.__main__").serve(
                args.host, args.port)
        else:
            importlib.import_module(f"{package}.entrypoints.{args.command}").main()

    return main
