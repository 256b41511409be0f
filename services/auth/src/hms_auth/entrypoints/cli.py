"""`hms-auth migrate | rotate-keys | create-admin`: the operator's commands."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable, Sequence

from sqlalchemy.ext.asyncio import AsyncEngine

from hms_auth import MIGRATIONS, bootstrap
from hms_auth.config import AuthSettings
from hms_auth.domain.errors import AuthError
from hms_auth.service_layer.commands import CreateStaffUser, RotateSigningKeys
from hms_platform.logging import configure_logging
from hms_platform.migrations import upgrade
from hms_platform.runtime import engine_for


async def _migrate(settings: AuthSettings, engine: AsyncEngine, args: argparse.Namespace) -> str:
    await upgrade(engine, MIGRATIONS)
    return "migrated to head"


async def _rotate(settings: AuthSettings, engine: AsyncEngine, args: argparse.Namespace) -> str:
    key = await bootstrap.build(settings, engine).handle(RotateSigningKeys())
    return f"new current key {key.kid}; the old one verifies until its tokens expire"


async def _create_admin(settings: AuthSettings, engine: AsyncEngine,
                        args: argparse.Namespace) -> str:
    user = await bootstrap.build(settings, engine).handle(CreateStaffUser(
        username=args.username, password=_password(args, settings), role="admin",
        full_name=args.full_name))
    return f"admin {user.username} created ({user.id})"


def _password(args: argparse.Namespace, settings: AuthSettings) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if settings.admin_password is not None:
        return settings.admin_password.get_secret_value()
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Again: "):
        raise SystemExit("the passwords differ")
    return first


Action = Callable[[AuthSettings, AsyncEngine, argparse.Namespace], Awaitable[str]]
ACTIONS: dict[str, Action] = {
    "migrate": _migrate, "rotate-keys": _rotate, "create-admin": _create_admin}


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="hms-auth", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply the database migrations")
    commands.add_parser("rotate-keys", help="new signing key; current becomes previous")
    admin = commands.add_parser("create-admin", help="create an admin account")
    admin.add_argument("--username", required=True)
    admin.add_argument("--full-name", default="Administrator")
    admin.add_argument("--password-stdin", action="store_true",
                       help="read the password from stdin (else HMS_ADMIN_PASSWORD, else a prompt)")
    return root


async def _run(action: Action, args: argparse.Namespace) -> str:
    settings = AuthSettings()
    engine = engine_for(settings)
    try:
        return await action(settings, engine, args)
    finally:
        await engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    configure_logging(json=False, level="WARNING")
    try:
        print(asyncio.run(_run(ACTIONS[args.command], args)))
    except AuthError as exc:
        print(f"hms-auth {args.command}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
