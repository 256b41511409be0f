"""``hms-auth migrate | api | relay | rotate-keys | create-admin``: the platform's service
command line (``hms_platform.cli``) and the operator's commands. A refusal (an AuthError)
prints ``hms-auth <command>: <message>`` on stderr and exits 1."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from hms_auth import MIGRATIONS, bootstrap
from hms_auth.config import AuthSettings
from hms_auth.domain.errors import AuthError
from hms_auth.service_layer.commands import CreateStaffUser, RotateSigningKeys
from hms_platform.cli import ServiceCommand, service_cli
from hms_platform.logging import configure_logging
from hms_platform.runtime import engine_for

Action = Callable[[AuthSettings, AsyncEngine], Awaitable[str]]


async def _rotate(settings: AuthSettings, engine: AsyncEngine) -> str:
    key = await bootstrap.build(settings, engine).handle(RotateSigningKeys())
    return f"new current key {key.kid}; the old one verifies until its tokens expire"


def _password(args: argparse.Namespace, settings: AuthSettings) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if settings.admin_password is not None:
        return settings.admin_password.get_secret_value()
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Again: "):
        raise SystemExit("the passwords differ")
    return first


def _create_admin(args: argparse.Namespace) -> Action:
    async def create(settings: AuthSettings, engine: AsyncEngine) -> str:
        user = await bootstrap.build(settings, engine).handle(CreateStaffUser(
            username=args.username, password=_password(args, settings), role="admin",
            full_name=args.full_name))
        return f"admin {user.username} created ({user.id})"

    return create


def _admin_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--username", required=True)
    parser.add_argument("--full-name", default="Administrator")
    parser.add_argument("--password-stdin", action="store_true",
                        help="read the password from stdin (else HMS_ADMIN_PASSWORD, else a "
                             "prompt)")


async def _run(action: Action) -> str:
    settings = AuthSettings()
    engine = engine_for(settings)
    try:
        return await action(settings, engine)
    finally:
        await engine.dispose()


def _operator(action: Callable[[argparse.Namespace], Action]) -> Callable[[argparse.Namespace],
                                                                          None]:
    """An operator's command: quiet logs, its one-line outcome on stdout."""

    def run(args: argparse.Namespace) -> None:
        configure_logging(json=False, level="WARNING")
        print(asyncio.run(_run(action(args))))

    return run


main = service_cli(
    "hms_auth", AuthSettings, MIGRATIONS, api_port=8001, description=__doc__,
    processes={"relay": "publish the outbox"},
    commands={
        "rotate-keys": ServiceCommand("new signing key; current becomes previous",
                                      _operator(lambda _args: _rotate)),
        "create-admin": ServiceCommand("create an admin account", _operator(_create_admin),
                                       _admin_arguments),
    },
    errors=(AuthError,))

if __name__ == "__main__":
    sys.exit(main())
