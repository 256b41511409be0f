"""The command line every service has: ``hms-<name> migrate | api [--host H] [--port P] |
<process> ...``, plus the service's own commands. A process's module is imported only when it
runs, so a relay or a consumer never loads the web stack."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from hms_platform.migrations import upgrade
from hms_platform.runtime import engine_for
from hms_platform.settings import ServiceSettings

Command = Callable[[], None]


@dataclass(frozen=True)
class ServiceCommand:
    """A service's own command with arguments of its own: ``add_arguments(parser)`` declares
    them, ``run(args)`` gets them parsed."""

    help: str
    run: Callable[[argparse.Namespace], None]
    add_arguments: Callable[[argparse.ArgumentParser], None] | None = None


async def migrate(settings: ServiceSettings, migrations: Path) -> None:
    engine = engine_for(settings)
    try:
        await upgrade(engine, migrations)
    finally:
        await engine.dispose()


def _command(value: tuple[str, Command] | ServiceCommand) -> ServiceCommand:
    if isinstance(value, ServiceCommand):
        return value
    text, function = value
    return ServiceCommand(text, lambda _args: function())


def service_cli(
    package: str,
    settings: Callable[[], ServiceSettings],
    migrations: Path,
    *,
    api_port: int,
    processes: Mapping[str, str],
    commands: Mapping[str, tuple[str, Command] | ServiceCommand] | None = None,
    errors: tuple[type[Exception], ...] = (),
    description: str | None = None,
) -> Callable[..., int]:
    """``main(argv) -> exit status`` for ``hms-<name>``: ``migrate``; ``api``
    (``<package>.entrypoints.api``'s ``serve(host, port)``); each of ``processes`` (name ->
    help), run as ``<package>.entrypoints.<name>.main()``; and the service's own ``commands``
    (name -> (help, function) or a :class:`ServiceCommand`). One of ``errors`` raised by a
    command (the service's domain errors: a refusal, not a crash) is printed as
    ``hms-<name> <command>: <message>`` on stderr, with status 1."""
    prog = package.replace("_", "-")
    own = {name: _command(value) for name, value in (commands or {}).items()}

    def main(argv: list[str] | None = None) -> int:
        parser = argparse.ArgumentParser(prog=prog, description=description)
        sub = parser.add_subparsers(dest="command", required=True)
        sub.add_parser("migrate", help="apply the database migrations")
        for name, command in own.items():
            command_parser = sub.add_parser(name, help=command.help)
            if command.add_arguments is not None:
                command.add_arguments(command_parser)
        api = sub.add_parser("api", help="serve the HTTP API (uvicorn)")
        api.add_argument("--host", default="127.0.0.1")
        api.add_argument("--port", type=int, default=api_port)
        for name, text in processes.items():
            sub.add_parser(name, help=text)
        args = parser.parse_args(argv)
        try:
            if args.command == "migrate":
                asyncio.run(migrate(settings(), migrations))
            elif args.command in own:
                own[args.command].run(args)
            elif args.command == "api":
                importlib.import_module(f"{package}.entrypoints.api.__main__").serve(
                    args.host, args.port)
            else:
                importlib.import_module(f"{package}.entrypoints.{args.command}").main()
        except errors as error:
            print(f"{prog} {args.command}: {error}", file=sys.stderr)
            return 1
        return 0

    return main
